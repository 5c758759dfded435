// Loaded with `node --import`: records every @opentelemetry module the process resolves into the file named by
// SLEUTH_TEST_IMPORTS_OUT, so a test can tell whether the OpenTelemetry SDK was loaded at all.
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const out = process.env.SLEUTH_TEST_IMPORTS_OUT;
  if (out && result.url.includes('/@opentelemetry/')) appendFileSync(out, result.url + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
