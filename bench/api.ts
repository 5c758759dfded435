/**
 * The service layer under load: the real HTTP server in-process on 127.0.0.1 (the real context with the scripted
 * model, the SQLite demo database, embedded PGlite memory, the in-process job queue), and N concurrent clients
 * (default 200) that each POST /api/v1/investigations and follow it to the end over SSE (or by polling).
 *
 * Per investigation: end-to-end = POST sent -> final event received; engine = the record's started -> finished;
 * added by the service layer = end-to-end - engine, split into queue wait (created -> started: the worker runs 8 at a
 * time) and the rest (HTTP, recording, fan-out, SSE delivery). Prints throughput, p50/p95 of each, and peak RSS of
 * the process (server and clients). Then FAQ answers: --faq-n questions a verified query answers, one at a time, each
 * POSTed (answered in the request: 200, finished) and, as the baseline in the same run, asked in process through the
 * context (the service layer without HTTP), interleaved; p50/p95 of both and their ratio.
 * Usage: npm run bench:api [-- --n 200 --follow sse|poll --poll-ms 1000 --faq-n 50]
 * SLEUTH_BENCH_MEMORY_URL=postgres://... puts memory on a server instead of embedded PGlite (emptied first).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createApiKey, createApiServer, startServer } from '../src/api/index.js';
import { createSleuthContext } from '../src/main.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const n = Number(arg('n', '200'));
const follow = arg('follow', 'sse') as 'sse' | 'poll';
const pollMs = Number(arg('poll-ms', '1000'));
const faqN = Number(arg('faq-n', '50'));
const root = join(import.meta.dirname, '..');
const dataDir = join(root, '.sleuth', 'bench', 'api');
rmSync(join(dataDir, 'memory'), { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });

const memoryUrl = process.env.SLEUTH_BENCH_MEMORY_URL;
if (memoryUrl) {
  // a fresh memory each run: drop Sleuth's tables (the migrations recreate them)
  const client = new pg.Client({ connectionString: memoryUrl });
  await client.connect();
  await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await client.end();
}
const context = await createSleuthContext({
  cwd: root,
  env: {
    SLEUTH_NOW: '2026-11-15',
    SLEUTH_LLM_PROVIDER: 'scripted',
    SLEUTH_SCRIPT: join(root, 'test', 'fixtures', 'scripts', 'signups-sqlite.yaml'),
    SLEUTH_DATA_DIR: dataDir,
    SLEUTH_LOG_LEVEL: 'silent',
    // one key asking 200 questions at once: the per-user rate and concurrency limits would refuse most of them, and
    // this measures the service layer, not the limits
    SLEUTH_LIMITS: 'off',
    ...(memoryUrl ? { DATABASE_URL: memoryUrl } : {}),
  },
});
const { key } = await createApiKey((await context.memory()).apiKeys, { name: 'bench', createdBy: 'bench' });
await context.investigations();
const api = createApiServer({ context, logger: context.logger });
const server = await startServer({ api, port: 0, host: '127.0.0.1', logger: context.logger });
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

async function untilDoneSse(id: string): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/investigations/${id}/events`, { headers });
  if (!response.body) throw new Error('no body');
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of response.body) {
    text += decoder.decode(chunk as Uint8Array, { stream: true });
    const final = /\nevent: (done|failed)\n/.exec(text);
    if (final) return final[1] as string;
  }
  throw new Error('the stream ended without a final event');
}

async function untilDonePoll(id: string): Promise<string> {
  for (;;) {
    const record = (await (await fetch(`${server.url}/api/v1/investigations/${id}`, { headers })).json()) as {
      status: string;
    };
    if (['succeeded', 'failed', 'cancelled', 'interrupted'].includes(record.status)) return record.status;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

interface Sample {
  ok: boolean;
  endToEnd: number;
  engine: number;
  queued: number;
  added: number;
  rest: number;
  post: number;
}

async function one(i: number): Promise<Sample> {
  const started = performance.now();
  const posted = await fetch(`${server.url}/api/v1/investigations`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ question: `Which channel drove signups last month? (client ${i})`, faq: false }),
  });
  const post = performance.now() - started;
  if (posted.status !== 202) throw new Error(`POST answered ${posted.status}: ${await posted.text()}`);
  const { id } = (await posted.json()) as { id: string };
  const outcome = follow === 'sse' ? await untilDoneSse(id) : await untilDonePoll(id);
  const endToEnd = performance.now() - started;
  const view = (await (await fetch(`${server.url}/api/v1/investigations/${id}`, { headers })).json()) as {
    timings: { queuedMs: number | null; durationMs: number | null };
  };
  const engine = view.timings.durationMs ?? 0;
  const queued = view.timings.queuedMs ?? 0;
  const added = endToEnd - engine;
  return {
    ok: outcome === 'done' || outcome === 'succeeded',
    endToEnd,
    engine,
    queued,
    added,
    rest: added - queued,
    post,
  };
}

// Warm up (parsers, knowledge, prepared statements), then the measured concurrent run.
await one(-1);
const started = performance.now();
const results = await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
const wall = performance.now() - started;
clearInterval(sampler);

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const stat = (name: string, values: number[]) =>
  `${name}_p50_ms=${pct(values, 50).toFixed(1)} ${name}_p95_ms=${pct(values, 95).toFixed(1)}`;
console.log(
  `api follow=${follow}${follow === 'poll' ? ` poll_ms=${pollMs}` : ''} memory=${memoryUrl ? 'postgres' : 'pglite'} investigations=${n} succeeded=${results.filter((r) => r.ok).length} wall_s=${(wall / 1000).toFixed(2)} ` +
    `throughput_per_s=${(n / (wall / 1000)).toFixed(1)}`,
);
const column = (key: Exclude<keyof Sample, 'ok'>) => results.map((r) => r[key]);
console.log(
  [
    stat('end_to_end', column('endToEnd')),
    stat('engine', column('engine')),
    stat('added', column('added')),
    stat('queue_wait', column('queued')),
    stat('added_excluding_queue', column('rest')),
    stat('post_202', column('post')),
  ].join(' '),
);
console.log(`peak_rss_mb=${(peakRss / 1024 / 1024).toFixed(0)} (server and ${n} clients in one process)`);

// FAQ answers: through the API (answered in the request) vs in process (context.ask), interleaved
const FAQ_QUESTION = 'How many active customers do we have?';
async function faqViaApi(): Promise<number> {
  const t = performance.now();
  const posted = await fetch(`${server.url}/api/v1/investigations`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ question: FAQ_QUESTION }),
  });
  const body = (await posted.json()) as { status: string };
  if (posted.status !== 200 || body.status !== 'succeeded')
    throw new Error(`FAQ POST answered ${posted.status} ${body.status}`);
  return performance.now() - t;
}
async function faqInProcess(): Promise<number> {
  const t = performance.now();
  let last: string | undefined;
  for await (const event of context.ask({ question: FAQ_QUESTION, actor: { kind: 'api', id: 'bench' } }))
    last = event.type;
  if (last !== 'done') throw new Error(`in-process FAQ ended with ${last}`);
  return performance.now() - t;
}
await faqViaApi();
await faqInProcess();
const viaApi: number[] = [];
const inProcess: number[] = [];
for (let i = 0; i < faqN; i++) {
  viaApi.push(await faqViaApi());
  inProcess.push(await faqInProcess());
}
console.log(
  `faq n=${faqN} ${stat('faq_via_api', viaApi)} ${stat('faq_in_process', inProcess)} ` +
    `api_over_in_process_p95=${(pct(viaApi, 95) / pct(inProcess, 95)).toFixed(2)}x`,
);
await server.stop({ graceMs: 5000 });
await context.close({ graceMs: 5000 });
