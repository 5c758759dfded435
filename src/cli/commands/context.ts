import { createSleuthContext, type SleuthContext } from '../../main.js';
import type { CliIo } from '../io.js';

/** Builds the context for one command and always closes it (pools, files) afterwards. */
export async function withContext<T>(io: CliIo, work: (context: SleuthContext) => Promise<T>): Promise<T> {
  const context = await createSleuthContext({ env: io.env, cwd: io.cwd });
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}
