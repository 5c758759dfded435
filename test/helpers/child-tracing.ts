/** One guarded statement through a context built from this process's environment (tracing on or off by OTEL_*). */
import { createSleuthContext } from '../../src/main.js';

const context = await createSleuthContext({ cwd: process.cwd(), env: process.env });
const result = await context.runSql({ sql: 'SELECT 1 AS one', actor: { kind: 'cli', id: 'tracing-test' } });
await context.close();
process.stdout.write(`${JSON.stringify({ rows: result.rowCount, tracing: context.tracer.enabled })}\n`);
