/**
 * Tracing through the real context: the standard OTEL_* variables turn on the OpenTelemetry SDK with its real OTLP/HTTP
 * exporter, pointed at a local receiver that decodes what arrives. One investigation (scripted model, SQLite demo
 * database) gives one trace: the investigation span, a span per step under it, per step the model call and the tools,
 * and the SQL statements under the tool that ran them, with ids, names and token counts and without SQL text or error
 * messages. Without the variables (or with OTEL_TRACES_EXPORTER=none) the tracer is the no-op one and nothing is sent.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvestigationEvent } from '../../../src/agent/index.js';
import { createSleuthContext } from '../../../src/main.js';
import { demoUrl } from '../../helpers/demo.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../../peers/otlp-receiver.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'test', 'fixtures', 'scripts', 'signups-sqlite.yaml');
const actor = { kind: 'api' as const, id: 'key_tracing' };

let receiver: OtlpReceiver;
let baseEnv: Record<string, string>;
const cwd = mkdtempSync(join(tmpdir(), 'sleuth-tracing-'));

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  mkdirSync(join(cwd, 'knowledge'));
  baseEnv = {
    SLEUTH_NOW: '2026-11-15',
    SLEUTH_LLM_PROVIDER: 'scripted',
    SLEUTH_SCRIPT: SCRIPT,
    SLEUTH_DB_DEMO_URL: await demoUrl('sqlite'),
    SLEUTH_DATA_DIR: join(cwd, '.sleuth'),
    SLEUTH_KNOWLEDGE_DIR: join(cwd, 'knowledge'),
    SLEUTH_LOG_LEVEL: 'silent',
  };
});
afterAll(async () => {
  await receiver?.close();
});

async function investigateOnce(env: Record<string, string>) {
  const context = await createSleuthContext({ cwd, env });
  const events: InvestigationEvent[] = [];
  try {
    for await (const event of context.ask({ question: 'Which channel drove signups last month?', actor, faq: false }))
      events.push(event);
  } finally {
    await context.close(); // flushes the exporter
  }
  return { context, events };
}

describe('tracing', () => {
  it('exports one trace per investigation with investigation, step, model, tool and SQL spans', async () => {
    const { context, events } = await investigateOnce({
      ...baseEnv,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-otlp-token=test%20secret',
      OTEL_SERVICE_NAME: 'sleuth-test',
    });
    expect(context.tracer.enabled).toBe(true);
    const investigationId = events[0]!.investigationId;
    expect(events.at(-1)?.type).toBe('done');

    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const request of receiver.requests) {
      expect(request.path).toBe('/v1/traces');
      expect(request.headers['x-otlp-token']).toBe('test secret');
    }
    const spans = receiver.spans();
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const named = (name: string) => spans.filter((s) => s.name === name);
    const parent = (span: ReceivedSpan) => byId.get(span.parentSpanId);

    const [root, ...moreRoots] = named('sleuth.investigation');
    expect(moreRoots).toHaveLength(0);
    expect(root!.parentSpanId).toBe('');
    expect(root!.resource['service.name']).toBe('sleuth-test');
    expect(root!.attributes).toMatchObject({
      'sleuth.investigation.id': investigationId,
      'sleuth.connection': 'demo',
      'db.system.name': 'sqlite',
      'gen_ai.provider.name': 'scripted',
      'sleuth.status': 'succeeded',
    });
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([root!.traceId]));

    const steps = named('sleuth.step');
    expect(steps.map((s) => s.attributes['sleuth.step']).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(steps.every((s) => s.parentSpanId === root!.spanId)).toBe(true);

    const models = named('sleuth.model_call');
    expect(models).toHaveLength(5);
    expect(models.every((s) => parent(s)?.name === 'sleuth.step')).toBe(true);
    const byStep = (s: ReceivedSpan) => Number(parent(s)?.attributes['sleuth.step']);
    const ordered = [...models].sort((a, b) => byStep(a) - byStep(b));
    expect(ordered.map((s) => s.attributes['gen_ai.usage.input_tokens'])).toEqual([1800, 2600, 3400, 4100, 5200]);
    expect(ordered.map((s) => s.attributes['gen_ai.usage.output_tokens'])).toEqual([120, 60, 90, 140, 220]);
    expect(ordered[0]!.attributes).toMatchObject({
      'gen_ai.request.model': 'scripted',
      'gen_ai.operation.name': 'chat',
    });

    const tools = named('sleuth.tool');
    expect(tools.every((s) => parent(s)?.name === 'sleuth.step')).toBe(true);
    expect(new Set(tools.map((s) => s.attributes['gen_ai.tool.name']))).toEqual(
      new Set(['update_plan', 'list_tables', 'describe_table', 'profile_column', 'run_sql', 'finish']),
    );

    // SQL: the statements the run_sql tool ran sit under it; the typo fails, the CREATE is refused by the guard
    const sql = named('sleuth.sql');
    expect(
      sql.every((s) => s.attributes['sleuth.connection'] === 'demo' && s.attributes['db.system.name'] === 'sqlite'),
    ).toBe(true);
    const underRunSql = sql.filter((s) => parent(s)?.attributes['gen_ai.tool.name'] === 'run_sql');
    expect(underRunSql.map((s) => s.attributes['sleuth.sql.outcome'] ?? 'error').sort()).toEqual([
      'error',
      'ok',
      'rejected',
    ]);
    const failed = underRunSql.find((s) => s.attributes['sleuth.sql.outcome'] === undefined)!;
    expect(failed.statusCode).toBe(2);
    expect(failed.attributes['error.type']).toBe('SQL_ERROR');
    const rejected = underRunSql.find((s) => s.attributes['sleuth.sql.outcome'] === 'rejected')!;
    expect(rejected.attributes['sleuth.guard.code']).toBe('WRITE_STATEMENT');
    const ok = underRunSql.find((s) => s.attributes['sleuth.sql.outcome'] === 'ok')!;
    expect(ok.attributes).toMatchObject({ 'db.operation.name': 'select', 'db.collection.name': ['customers'] });
    expect(ok.attributes['db.response.returned_rows']).toBeGreaterThan(0);
    expect(ok.attributes['sleuth.sql.fingerprint']).toMatch(/^[0-9a-f]{16}$/);
    // schema discovery before the first step is traced under the investigation itself
    expect(sql.some((s) => s.parentSpanId === root!.spanId)).toBe(true);

    // never SQL text, literals or database error messages
    const exported = receiver.requests.map((r) => r.raw).join('\n');
    for (const text of ['acquisition_chanel', 'signups_copy', '2026-10-01', 'FROM customers', 'no such column'])
      expect(exported).not.toContain(text);
  }, 60_000);

  it('is off without OTEL_* settings, and with OTEL_TRACES_EXPORTER=none: nothing is exported', async () => {
    const before = receiver.requests.length;
    const off = await investigateOnce(baseEnv);
    expect(off.context.tracer.enabled).toBe(false);
    const none = await investigateOnce({
      ...baseEnv,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_TRACES_EXPORTER: 'none',
    });
    expect(none.context.tracer.enabled).toBe(false);
    expect(none.events.at(-1)?.type).toBe('done');
    expect(receiver.requests.length).toBe(before);
  }, 60_000);
});

describe('tracing off costs nothing', () => {
  /** Runs one statement in a fresh process and returns the @opentelemetry modules it resolved. */
  async function openTelemetryModulesLoaded(env: Record<string, string>): Promise<string[]> {
    const out = join(mkdtempSync(join(tmpdir(), 'sleuth-imports-')), 'imports.txt');
    const loader = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const recorder = pathToFileURL(join(ROOT, 'test', 'helpers', 'record-imports.mjs')).href;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', loader, '--import', recorder, join(ROOT, 'test', 'helpers', 'child-tracing.ts')],
      { cwd, env: { PATH: process.env.PATH ?? '', ...baseEnv, ...env, SLEUTH_TEST_IMPORTS_OUT: out } },
    );
    expect(JSON.parse(stdout)).toMatchObject({ rows: 1 });
    return existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : [];
  }

  it('loads no OpenTelemetry SDK or exporter unless tracing is configured', async () => {
    // @opentelemetry/api is the no-op API (the Anthropic SDK imports it too); everything else is the SDK
    const sdk = (urls: string[]) => urls.filter((url) => !url.includes('/@opentelemetry/api/'));
    expect(sdk(await openTelemetryModulesLoaded({}))).toEqual([]);
    const on = sdk(await openTelemetryModulesLoaded({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }));
    expect(on.some((url) => url.includes('/@opentelemetry/sdk-trace-base/'))).toBe(true);
    expect(on.some((url) => url.includes('/@opentelemetry/exporter-trace-otlp-http/'))).toBe(true);
  }, 60_000);
});
