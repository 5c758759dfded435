import type { ServeRole } from '../../jobs/index.js';
import type { SleuthContext } from '../../main.js';
import type { CliIo } from '../io.js';

type Work<T> = (context: SleuthContext) => Promise<T>;

/** Builds the context for one command and always closes it (pools, files) afterwards. */
export async function withContext<T>(io: CliIo, work: Work<T>): Promise<T>;
/** The same, for a serving process with a role (`sleuth serve --role`). */
export async function withContext<T>(io: CliIo, options: { role?: ServeRole }, work: Work<T>): Promise<T>;
export async function withContext<T>(
  io: CliIo,
  optionsOrWork: { role?: ServeRole } | Work<T>,
  maybeWork?: Work<T>,
): Promise<T> {
  const options = typeof optionsOrWork === 'function' ? {} : optionsOrWork;
  const work = typeof optionsOrWork === 'function' ? optionsOrWork : (maybeWork as Work<T>);
  // the composition root loads on first use: `--help` and usage errors never load the app (cold start)
  const { createSleuthContext } = await import('../../main.js');
  const context = await createSleuthContext({ env: io.env, cwd: io.cwd, role: options.role });
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}
