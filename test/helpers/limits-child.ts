/**
 * One of several processes sharing a PostgreSQL memory database (SLEUTH_TEST_MEMORY_URL), for the cross-process
 * limits test. Builds the real composition root with a frozen clock (SLEUTH_TEST_CLOCK_MS), prints "ready", waits
 * for "go" on stdin, then races: SLEUTH_TEST_TAKES API requests on key SLEUTH_TEST_KEY through context.limits.take,
 * SLEUTH_TEST_STARTS investigation starts for one user's concurrency slots and as many for one workspace's daily
 * cost budget (never finished). Prints one JSON line with what it was granted.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../src/config/index.js';
import { createLimits, isRefusal } from '../../src/limits/index.js';
import { createSleuthContext } from '../../src/main.js';

const key = process.env.SLEUTH_TEST_KEY!;
const now = Number(process.env.SLEUTH_TEST_CLOCK_MS);
const clock = () => now;
const cwd = mkdtempSync(join(tmpdir(), 'sleuth-limits-child-'));
const env = {
  DATABASE_URL: process.env.SLEUTH_TEST_MEMORY_URL,
  SLEUTH_LOG_LEVEL: 'silent',
  SLEUTH_LIMIT_API_PER_MINUTE: '50',
};
const context = await createSleuthContext({ env, cwd, clock });
const memory = await context.memory();
const base = loadConfig({ env, cwd }).limits;
const none = { userConcurrentInvestigations: 0, connectionConcurrentInvestigations: 0, userDailyCostUsd: 0 };
// one user's 3 concurrency slots (no cost limit), and a workspace's $1 a day (no concurrency limit)
const leases = createLimits({
  config: { ...base, ...none, userConcurrentInvestigations: 3, workspaceDailyCostUsd: 0 },
  memory: async () => memory.limits,
  clock,
});
const spend = createLimits({
  config: { ...base, ...none, workspaceDailyCostUsd: 1 },
  memory: async () => memory.limits,
  clock,
});

process.stdout.write('ready\n');
await new Promise<void>((resolve) => {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === 'go') {
      lines.close();
      resolve();
    }
  });
});

const takes = Number(process.env.SLEUTH_TEST_TAKES ?? 60);
const starts = Number(process.env.SLEUTH_TEST_STARTS ?? 4);
let allowed = 0;
let refused = 0;
let leased = 0;
let leaseRefusals = 0;
const granted: number[] = [];
let budgetRefusals = 0;
const actor = { kind: 'slack' as const, id: `${key}-user`, workspace: `${key}-team` };

async function worker(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const decision = await context.limits.take({ kind: 'api', key });
    if (decision.allowed) allowed++;
    else refused++;
  }
}
async function leaser(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const ticket = await leases.startInvestigation({ actor, connection: `${key}-db`, maxCostUsd: 0.3 });
    if (isRefusal(ticket)) leaseRefusals++;
    else leased++;
  }
}
async function spender(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const ticket = await spend.startInvestigation({ actor, connection: `${key}-db`, maxCostUsd: 0.3 });
    if (isRefusal(ticket)) budgetRefusals++;
    else granted.push(ticket.maxCostUsd);
  }
}
// several requests in flight at once in each process, like a busy server
await Promise.all([
  ...Array.from({ length: 6 }, () => worker(takes / 6)),
  ...Array.from({ length: 2 }, () => leaser(starts / 2)),
  ...Array.from({ length: 2 }, () => spender(starts / 2)),
]);
process.stdout.write(`${JSON.stringify({ allowed, refused, leased, leaseRefusals, granted, budgetRefusals })}\n`);
await context.close();
