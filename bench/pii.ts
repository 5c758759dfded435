/**
 * PII detector and masking throughput. Usage: npm run bench:pii [-- --rows 10000 --runs 7]
 * - detection over the generated labelled set's text (characters per second);
 * - masking a result of `--rows` rows shaped like a customer export (id, name, email, phone, a free-text note that
 *   sometimes holds a phone number or a card, amount, created_at): p50 / p95 ms per result over `--runs` runs;
 * - the same result with text columns that hold no personal data (the cheap path: most analytics results).
 */
import { parseArgs } from 'node:util';
import { generatePiiSet } from '../evals/pii/generate.js';
import { createRng } from '../src/demo/random.js';
import { createPiiMasker, findPii } from '../src/pii/index.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '10000' }, runs: { type: 'string', default: '7' } },
  strict: true,
});
const rows = Number(values.rows);
const runs = Number(values.runs);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

function time(fn: () => void): { p50: number; p95: number } {
  fn(); // warm up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
}

const texts = generatePiiSet({ seed: 42, perKind: 500 }).map((i) => i.text);
const chars = texts.reduce((n, t) => n + t.length, 0);
const detect = time(() => {
  for (const text of texts) findPii(text);
});
console.log(
  `pii detect texts=${texts.length} chars=${chars} p50_ms=${detect.p50.toFixed(1)} chars_per_second=${Math.round(chars / (detect.p50 / 1000))}`,
);

const r = createRng(7, 'bench:pii');
const columns = ['id', 'name', 'email', 'phone', 'note', 'amount', 'created_at'].map((name) => ({
  name,
  type: 'text',
}));
const notes = [
  'Called about the late delivery',
  'Asked to call back on +44 20 7946 0958',
  'Paid with card 4242 4242 4242 4242',
  'Wants the invoice for order ORD-2024-000123',
  'No issue',
];
const personal = Array.from({ length: rows }, (_, i) => [
  i + 1,
  `Customer ${i}`,
  `customer${i}@example.com`,
  `+1 415 555 ${String(r.int(0, 9999)).padStart(4, '0')}`,
  r.pick(notes),
  Number((r.next() * 1000).toFixed(2)),
  new Date(Date.UTC(2026, 0, 1) + i * 60_000),
]);
const plain = Array.from({ length: rows }, (_, i) => [
  i + 1,
  r.pick(['paid_search', 'organic', 'referral', 'email']),
  r.pick(['Europe', 'North America', 'Asia']),
  r.pick(['free', 'pro', 'enterprise']),
  'No issue',
  Number((r.next() * 1000).toFixed(2)),
  new Date(Date.UTC(2026, 0, 1) + i * 60_000),
]);
const masker = createPiiMasker();
for (const [label, data] of [
  ['customer export', personal],
  ['no personal data', plain],
] as const) {
  const result = { columns, rows: data, rowCount: data.length, truncated: false, elapsedMs: 0 };
  const t = time(() => masker.maskResult(result));
  const cells = data.length * columns.length;
  console.log(
    `pii mask ${label.padEnd(16)} rows=${data.length} cells=${cells} p50_ms=${t.p50.toFixed(1)} p95_ms=${t.p95.toFixed(1)} cells_per_second=${Math.round(cells / (t.p50 / 1000))}`,
  );
}
