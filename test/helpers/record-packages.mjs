// Loaded with `node --import`: records the npm package of every module the process resolves (ESM imports and
// dynamic import()) into the file named by SLEUTH_TEST_PACKAGES_OUT, so a test can tell what a command loaded.
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const out = process.env.SLEUTH_TEST_PACKAGES_OUT;
  const match = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(result.url);
  if (out && match) appendFileSync(out, match[1] + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
