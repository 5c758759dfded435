/**
 * What the access policy costs per statement: SleuthContext.runSql on the SQLite policy fixture with and without a
 * policy (the policy path checks the guard verdict against the rules and a cached catalog snapshot, then masks),
 * p50/p95 over allowed statements, and refusals per second (a refused statement never reaches the database).
 * Usage: npm run bench:policy [-- --runs 500]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Actor } from '../src/common/actor.js';
import { createSleuthContext, type SleuthContext } from '../src/main.js';
import { ensurePolicyFixture, FIXTURE_DATA_RULES } from '../test/helpers/policy-fixture.js';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 500;
const actor: Actor = { kind: 'slack', id: 'U0BENCH', channel: 'C0DATA' };
const ALLOWED = [
  'SELECT id, name, phone FROM customers ORDER BY id',
  'SELECT s.country, count(*) AS n FROM order_summary s GROUP BY s.country',
  'WITH big AS (SELECT customer_id, sum(total) AS t FROM orders GROUP BY customer_id) SELECT c.name, b.t FROM big b JOIN customers c ON c.id = b.customer_id',
];
const REFUSED = ['SELECT * FROM salaries', 'SELECT * FROM customers', 'SELECT name FROM customers WHERE phone IS NULL'];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timed(context: SleuthContext, statements: string[], expectRefusal: boolean): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const sql = statements[i % statements.length]!;
    const started = performance.now();
    try {
      await context.runSql({ sql, actor });
      if (expectRefusal) throw new Error(`not refused: ${sql}`);
    } catch (error) {
      if (!expectRefusal) throw error;
    }
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

const url = await ensurePolicyFixture('sqlite', 'sleuth_bench_policy');
const dir = mkdtempSync(join(tmpdir(), 'sleuth-bench-policy-'));
writeFileSync(join(dir, 'policy.yaml'), stringify({ connections: { fixture: FIXTURE_DATA_RULES } }));
const env = { SLEUTH_DB_FIXTURE_URL: url, SLEUTH_DATA_DIR: dir, SLEUTH_LOG_LEVEL: 'silent' };
const open = await createSleuthContext({ env, cwd: dir });
const guarded = await createSleuthContext({ env: { ...env, SLEUTH_POLICY_FILE: join(dir, 'policy.yaml') }, cwd: dir });
try {
  for (const context of [open, guarded]) await timed(context, ALLOWED, false); // warm up (pools, snapshot)
  const base = await timed(open, ALLOWED, false);
  const policy = await timed(guarded, ALLOWED, false);
  const refused = await timed(guarded, REFUSED, true);
  const line = (label: string, t: number[]) =>
    `policy ${label.padEnd(18)} runs=${t.length} p50_ms=${percentile(t, 50).toFixed(2)} p95_ms=${percentile(t, 95).toFixed(2)}`;
  console.log(line('no policy', base));
  console.log(line('with policy', policy));
  console.log(line('refused', refused));
  console.log(
    `policy overhead p50_ms=${(percentile(policy, 50) - percentile(base, 50)).toFixed(2)} refusals_per_second=${Math.round(1000 / (refused.reduce((a, b) => a + b, 0) / refused.length))}`,
  );
} finally {
  await open.close();
  await guarded.close();
  rmSync(dir, { recursive: true, force: true });
}
