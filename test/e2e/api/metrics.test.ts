/**
 * /metrics scraped from the real server and parsed: after an investigation, a guard refusal, FAQ lookups and a Slack
 * mention answered through a rate-limited Web API (the Slack app hosted on the same server at /slack/events, its Web
 * API the local Slack peer), the counters moved by what happened. Also: the metrics token reads /metrics only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp, parseSlackConfig, type SlackApp, slackHttpHandler } from '../../../src/slack/index.js';
import { createSlackSender } from '../../peers/slack-requests.js';
import { PEER_BOT_USER, type SlackPeer, startSlackPeer } from '../../peers/slack-web-api.js';
import { type ApiHarness, readSse, startApiHarness } from './harness.js';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789abcdef';
const SIGNING_SECRET = 'metrics-test-signing-secret';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, as a scraper reads it (HELP/TYPE lines checked for every metric family). */
function parseMetrics(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const typeLine = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (typeLine) {
      types.set(typeLine[1] as string, typeLine[2] as string);
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] as string] = pair[2] as string;
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return { samples, types };
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.reduce((sum, s) => sum + s.value, 0);
}

describe('/metrics', () => {
  let h: ApiHarness;
  let peer: SlackPeer;
  let slack: SlackApp | undefined;

  beforeAll(async () => {
    peer = await startSlackPeer();
    h = await startApiHarness({
      env: { SLEUTH_METRICS_TOKEN: METRICS_TOKEN },
      // Slack hosted on the same server as `sleuth serve` does: a raw route with its own (signature) auth
      deps: async (context) => {
        slack = createSlackApp({
          context,
          config: parseSlackConfig({
            SLACK_BOT_TOKEN: 'xoxb-test-token',
            SLACK_SIGNING_SECRET: SIGNING_SECRET,
            SLACK_API_URL: peer.apiUrl,
            SLACK_MODE: 'http',
          }),
          logger: context.logger,
          observer: context.observers,
        });
        await slack.init();
        return { rawRoutes: [slackHttpHandler(slack)] };
      },
    });
  }, 120_000);
  afterAll(async () => {
    await slack?.stop();
    await h?.close();
    await peer?.close();
  });

  const scrape = async (token?: string) => {
    const r = await h.call('/metrics', token ? { headers: { authorization: `Bearer ${token}` } } : {});
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(await r.text());
  };

  it('exposes every Sleuth metric with its type, and process metrics with the sleuth_ prefix', async () => {
    const { types, samples } = await scrape();
    const expected: Record<string, string> = {
      sleuth_investigations_total: 'counter',
      sleuth_investigations_running: 'gauge',
      sleuth_investigation_duration_seconds: 'histogram',
      sleuth_investigation_steps: 'histogram',
      sleuth_sql_statements_total: 'counter',
      sleuth_sql_duration_seconds: 'histogram',
      sleuth_guard_rejections_total: 'counter',
      sleuth_faq_requests_total: 'counter',
      sleuth_model_tokens_total: 'counter',
      sleuth_model_cost_usd_total: 'counter',
      sleuth_slack_api_calls_total: 'counter',
      sleuth_slack_rate_limited_total: 'counter',
      sleuth_queue_depth: 'gauge',
      sleuth_http_requests_total: 'counter',
      sleuth_http_request_duration_seconds: 'histogram',
      sleuth_process_cpu_user_seconds_total: 'counter',
      sleuth_nodejs_heap_size_total_bytes: 'gauge',
    };
    for (const [name, type] of Object.entries(expected)) expect(types.get(name), name).toBe(type);
    expect(value(samples, 'sleuth_queue_depth', { state: 'queued' })).toBe(0);
    expect(samples.some((s) => s.name === 'sleuth_queue_depth' && s.labels.state === 'running')).toBe(true);
    expect([...types.keys()].every((name) => name.startsWith('sleuth_'))).toBe(true);
  });

  it('counts an investigation, its SQL, a refusal, FAQ lookups and HTTP requests', async () => {
    const before = (await scrape()).samples;
    const created = await h.call('/api/v1/investigations', {
      method: 'POST',
      json: { question: 'Which channel drove signups last month?', faq: false },
    });
    const { id } = (await created.json()) as { id: string };
    const events = await readSse(await h.call(`/api/v1/investigations/${id}/events`));
    expect(events.at(-1)?.event).toBe('done');
    const refused = await h.call('/api/v1/database/execute', { method: 'POST', json: { sql: 'SELECT 1; SELECT 2' } });
    expect(refused.status).toBe(422);
    const faqHit = await h.call('/api/v1/knowledge/search?q=signups%20by%20channel%20last%20month');
    expect(((await faqHit.json()) as { faq: { result: string } }).faq.result).toBe('hit');
    const faqMiss = await h.call('/api/v1/knowledge/search?q=why%20would%20zebras%20forecast%20the%20weather');
    expect(((await faqMiss.json()) as { faq: { result: string } }).faq.result).toBe('miss');
    const record = await (await h.context.memory()).getInvestigation(id);
    if (!record) throw new Error('no record');

    const after = (await scrape()).samples;
    const delta = (name: string, labels?: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels);
    expect(delta('sleuth_investigations_total', { status: 'succeeded' })).toBe(1);
    expect(delta('sleuth_investigation_duration_seconds_count', { status: 'succeeded' })).toBe(1);
    expect(delta('sleuth_investigation_steps_count')).toBe(1);
    expect(delta('sleuth_investigation_steps_sum')).toBe(record.steps);
    expect(value(after, 'sleuth_investigations_running')).toBe(0);

    // the investigation: one statement with a typo (error), one refused (CREATE TABLE), one that ran; plus the API's
    expect(delta('sleuth_sql_statements_total', { connection: 'demo', outcome: 'rejected' })).toBe(2);
    expect(delta('sleuth_sql_statements_total', { connection: 'demo', outcome: 'error' })).toBe(1);
    const ran = events.filter((e) => e.event === 'sql_result').length;
    expect(delta('sleuth_sql_statements_total', { connection: 'demo', outcome: 'ok' })).toBeGreaterThanOrEqual(ran);
    expect(delta('sleuth_sql_duration_seconds_count', { connection: 'demo' })).toBe(
      delta('sleuth_sql_statements_total', { connection: 'demo', outcome: 'ok' }),
    );
    expect(delta('sleuth_guard_rejections_total', { code: 'WRITE_STATEMENT' })).toBe(1);
    expect(delta('sleuth_guard_rejections_total', { code: 'MULTIPLE_STATEMENTS' })).toBe(1);

    expect(delta('sleuth_model_tokens_total', { provider: 'scripted', model: 'scripted', direction: 'input' })).toBe(
      record.inputTokens,
    );
    expect(delta('sleuth_model_tokens_total', { provider: 'scripted', model: 'scripted', direction: 'output' })).toBe(
      record.outputTokens,
    );
    expect(delta('sleuth_faq_requests_total', { result: 'hit' })).toBe(1);
    expect(delta('sleuth_faq_requests_total', { result: 'miss' })).toBe(1);

    const route = (r: string, method: string, status: string) =>
      delta('sleuth_http_requests_total', { method, route: r, status });
    expect(route('/api/v1/investigations', 'POST', '202')).toBe(1);
    expect(route('/api/v1/investigations/:id/events', 'GET', '200')).toBe(1);
    expect(route('/api/v1/database/execute', 'POST', '422')).toBe(1);
    expect(route('/api/v1/knowledge/search', 'GET', '200')).toBe(2);
    expect(
      delta('sleuth_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/investigations' }),
    ).toBe(1);
  }, 60_000);

  it('counts Slack Web API calls and 429s through the Slack app hosted on the same server', async () => {
    const before = (await scrape()).samples;
    peer.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 1 });
    const send = createSlackSender(h.url, SIGNING_SECRET);
    const sent = await send.event({
      type: 'app_mention',
      user: 'UMETRICS1',
      channel: 'CMETRICS1',
      text: `<@${PEER_BOT_USER}> help`,
      ts: '1700000001.000100',
    });
    expect(sent.status).toBe(200);
    await peer.waitFor(() => peer.ok('chat.postMessage').length === 1);
    const after = (await scrape()).samples;
    const delta = (name: string, labels: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels);
    expect(delta('sleuth_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'rate_limited' })).toBe(1);
    expect(delta('sleuth_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'ok' })).toBe(1);
    expect(delta('sleuth_slack_rate_limited_total', { method: 'chat.postMessage' })).toBe(1);
    expect(delta('sleuth_http_requests_total', { method: 'POST', route: '/slack/events', status: '200' })).toBe(1);
  }, 30_000);

  it('lets the metrics token read /metrics and nothing else; a scrape needs a credential', async () => {
    const { types } = await scrape(METRICS_TOKEN);
    expect(types.get('sleuth_investigations_total')).toBe('counter');
    const elsewhere = await h.call('/api/v1/knowledge/proposals', {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(elsewhere.status).toBe(401);
    expect(await elsewhere.json()).toMatchObject({
      error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/only read \/metrics/) },
    });
    expect((await fetch(`${h.url}/metrics`)).status).toBe(401);
  });
});
