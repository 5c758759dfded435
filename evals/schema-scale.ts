/**
 * `npm run eval:schema-scale [-- --dialect sqlite|postgres] [--dev-only] [--verbose]`: schema retrieval recall@5/@10
 * on the generated 500-table warehouse, dev half and frozen half (see evals/schema-scale/run.ts). While tuning
 * retrieval, run with `--dev-only` (the frozen half's figure is not printed); `--verbose` lists the dev half's misses. PostgreSQL uses
 * SLEUTH_SCALE_PG_URL (default postgres://postgres@127.0.0.1:5432/test) to create a scratch database.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureScaleRecall } from './schema-scale/run.js';

const { values } = parseArgs({
  options: {
    dialect: { type: 'string', multiple: true },
    verbose: { type: 'boolean', default: false },
    'dev-only': { type: 'boolean', default: false },
  },
  strict: true,
});
const dialects = (values.dialect ?? ['sqlite', 'postgres']) as ('sqlite' | 'postgres')[];
for (const dialect of dialects) {
  const started = performance.now();
  const r = await measureScaleRecall(join(import.meta.dirname, '..'), dialect, {
    pgUrl: process.env.SLEUTH_SCALE_PG_URL,
    suffix: process.env.SLEUTH_TEST_DB_SUFFIX,
  });
  const frozen = values['dev-only']
    ? 'frozen half not shown (--dev-only)'
    : `frozen half (${r.frozen.questions}) recall@5 ${r.frozen['recall@5']} recall@10 ${r.frozen['recall@10']}`;
  console.log(
    `${dialect}: ${r.tables} tables, ${r.questions} questions; ${frozen}; dev half (${r.dev.questions}) recall@5 ${r.dev['recall@5']} recall@10 ${r.dev['recall@10']}; ${((performance.now() - started) / 1000).toFixed(1)} s (lexical only)`,
  );
  if (values.verbose) for (const m of r.misses) console.log(`  miss ${m}`);
}
