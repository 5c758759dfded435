/**
 * `npm run eval:pii [-- --seed N] [--per-kind N] [--verbose] [--json] [--write FILE]`: precision and recall of the
 * PII detector per kind on a generated labelled set (positives of every kind and hard negatives), and of
 * column-name classification. Offline and deterministic for a seed. `--write` saves the labelled set as JSON Lines.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generatePiiSet } from './pii/generate.js';
import { runPiiSuite } from './suites/pii.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '42' },
    'per-kind': { type: 'string', default: '200' },
    verbose: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    write: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(
    'npm run eval:pii [-- --seed N] [--per-kind N] [--verbose] [--json] [--write FILE]\n' +
      'Precision and recall of the PII detector per kind on a generated labelled set (seeded), and of column names.',
  );
  process.exit(0);
}
const seed = Number(values.seed);
const perKind = Number(values['per-kind']);
if (!Number.isInteger(seed) || !Number.isInteger(perKind) || perKind < 1) {
  console.error('eval:pii: --seed and --per-kind must be whole numbers (per-kind at least 1)');
  process.exit(2);
}
const items = generatePiiSet({ seed, perKind });
if (values.write) writeFileSync(values.write, `${items.map((i) => JSON.stringify(i)).join('\n')}\n`);
const report = runPiiSuite({ seed, items });

if (values.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(
    `PII detector on ${report.items} generated items (seed ${seed}; ${report.positives} labelled values, ${report.negatives} hard negatives):`,
  );
  console.log('  kind       precision  recall   tp    fp   fn');
  for (const [kind, s] of Object.entries(report.kinds)) {
    console.log(
      `  ${kind.padEnd(10)} ${s.precision.toFixed(3).padStart(9)} ${s.recall.toFixed(3).padStart(7)} ${String(s.tp).padStart(5)} ${String(s.fp).padStart(5)} ${String(s.fn).padStart(4)}`,
    );
  }
  const o = report.overall;
  console.log(`  ${'all'.padEnd(10)} ${o.precision.toFixed(3).padStart(9)} ${o.recall.toFixed(3).padStart(7)}`);
  const noisy = Object.entries(report.falsePositivesByFamily).filter(([, n]) => n > 0);
  console.log(
    `  false positives on hard negatives: ${noisy.length === 0 ? 'none' : noisy.map(([f, n]) => `${f} ${n}`).join(', ')}`,
  );
  console.log(
    `  look-alikes no shape can tell apart, share flagged (not in precision): ${Object.entries(
      report.indistinguishableFlagged,
    )
      .map(([f, share]) => `${f} ${share.toFixed(2)}`)
      .join(', ')}`,
  );
  const c = report.columnNames;
  console.log(
    `  column names (${c.names}): precision ${c.precision.toFixed(3)}, recall ${c.recall.toFixed(3)}, right kind ${c.kindAccuracy.toFixed(3)}`,
  );
  if (values.verbose) for (const line of report.mistakes) console.log(`    ${line}`);
}
