/**
 * deploy/ cannot be run here (no Docker), so this checks what can go stale without it: every Sleuth command line in the
 * compose file and the Dockerfile parses as a real `sleuth` command (the CLI's own option definitions), the Sleuth
 * environment in compose is a valid configuration (unknown SLEUTH_* keys are errors), the files they mount or copy
 * exist, ports agree between processes, Prometheus and health checks, and the Grafana dashboard is valid JSON that
 * queries only the metrics Sleuth exports (and all of them).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildProgram } from '../../../src/cli/main.js';
import { loadConfig } from '../../../src/config/index.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const DEPLOY = join(ROOT, 'deploy');
const read = (path: string) => readFileSync(join(DEPLOY, path), 'utf8');

/** The metrics /metrics exports (histograms also as _bucket, _sum and _count). */
const METRICS = [
  'sleuth_investigations_total',
  'sleuth_investigations_running',
  'sleuth_investigation_duration_seconds',
  'sleuth_investigation_steps',
  'sleuth_sql_statements_total',
  'sleuth_sql_duration_seconds',
  'sleuth_guard_rejections_total',
  'sleuth_faq_requests_total',
  'sleuth_model_tokens_total',
  'sleuth_model_cost_usd_total',
  'sleuth_slack_api_calls_total',
  'sleuth_slack_rate_limited_total',
  'sleuth_queue_depth',
  'sleuth_http_requests_total',
  'sleuth_http_request_duration_seconds',
];

/** Parses a `sleuth ...` argument list with the real CLI and returns the command and its options, without running it. */
async function parseSleuth(args: string[]): Promise<{ command: string; options: Record<string, unknown> }> {
  const sink = new PassThrough();
  let stderr = '';
  sink.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const program = buildProgram({ stdout: sink, stderr: sink, stdin: Readable.from([]), env: {}, cwd: ROOT });
  let parsed: { command: string; options: Record<string, unknown> } | undefined;
  for (const command of program.commands) {
    command.action((options: Record<string, unknown>) => {
      parsed = { command: command.name(), options };
    });
  }
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    throw new Error(`sleuth ${args.join(' ')} does not parse: ${stderr || String(error)}`);
  }
  if (!parsed) throw new Error(`sleuth ${args.join(' ')} ran no command`);
  return parsed;
}

/** Compose interpolation with an empty environment: `${VAR:-default}` gives the default, `${VAR}` nothing. */
function interpolate(text: string): string {
  return text.replace(/\$\{([A-Z0-9_]+)(?::?([-?])([^}]*))?\}/g, (_, _name, kind, value) =>
    kind === '-' ? value : '',
  );
}

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
}

const compose = parseYaml(interpolate(read('docker-compose.yml')), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const sleuthServices = Object.entries(compose.services).filter(([, s]) => s.image === 'sleuth:local');

describe('deploy/docker-compose.yml', () => {
  it('runs the api and worker roles of `sleuth serve`, with command lines the CLI accepts', async () => {
    const roles: Record<string, unknown> = {};
    for (const [name, service] of sleuthServices) {
      expect(service.command, `${name} has a command`).toBeDefined();
      const { command, options } = await parseSleuth(service.command!);
      if (command === 'serve') roles[name] = options.role;
      else expect(command).toBe('demo-db');
    }
    expect(roles).toEqual({ api: 'api', worker: 'worker' });
  });

  it('gives every Sleuth process a valid configuration with PostgreSQL memory and Qdrant', () => {
    for (const [name, service] of sleuthServices) {
      if (!service.environment) continue;
      // a key without a value (YAML null) passes the host's variable through: unset here
      const env = Object.fromEntries(
        Object.entries(service.environment).flatMap(([k, v]) => (v === null ? [] : [[k, String(v)]])),
      );
      const config = loadConfig({ env, cwd: mkdtempSync(join(tmpdir(), 'sleuth-compose-')) });
      expect(config.memoryUrl, name).toMatch(/^postgres:\/\/.*@postgres:5432\/sleuth$/);
      expect(config.knowledge.qdrantUrl, name).toBe('http://qdrant:6333');
      expect(config.defaultConnection, name).toBe('warehouse');
      expect(config.tracing, `${name}: tracing is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set`).toBeUndefined();
    }
  });

  it('agrees on ports between serve, the published ports, health checks and Prometheus', async () => {
    const port = async (name: string) => (await parseSleuth(compose.services[name]!.command!)).options.port;
    expect(await port('api')).toBe('8008');
    expect(compose.services.api!.ports).toEqual(['8008:8008']);
    expect(await port('worker')).toBe('8009');
    expect(compose.services.worker!.healthcheck!.test.join(' ')).toContain('http://127.0.0.1:8009/healthz');
    const prometheus = parseYaml(read('prometheus.yml')) as {
      scrape_configs: {
        job_name: string;
        static_configs?: { targets: string[] }[];
        dns_sd_configs?: { port: number }[];
      }[];
    };
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((j) => [j.job_name, j]));
    expect(jobs['sleuth-api']?.static_configs?.[0]?.targets).toEqual(['api:8008']);
    expect(jobs['sleuth-worker']?.dns_sd_configs?.[0]?.port).toBe(8009);
    const collector = parseYaml(read('otel-collector.yaml')) as {
      receivers: { otlp: { protocols: { http: { endpoint: string } } } };
    };
    expect(collector.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
  });

  it('mounts and builds only files that exist', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build)
        expect(existsSync(join(DEPLOY, service.build.context, service.build.dockerfile)), name).toBe(true);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('.')) expect(existsSync(join(DEPLOY, source)), `${name}: ${source}`).toBe(true);
      }
    }
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1)!;
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter(Boolean);

  it('copies only files that exist and that .dockerignore keeps', () => {
    for (const line of dockerfile.split('\n').filter((l) => l.startsWith('COPY ') && !l.includes('--from'))) {
      const sources = line.slice('COPY '.length).trim().split(/\s+/).slice(0, -1);
      for (const source of sources) {
        expect(existsSync(join(ROOT, source)), source).toBe(true);
        expect(ignored, source).not.toContain(source);
      }
    }
  });

  it('installs production dependencies only, runs as a non-root user and starts `sleuth serve`', async () => {
    expect(runtime).toMatch(/npm ci --omit=dev/);
    const user = /^USER (\S+)$/m.exec(runtime)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(JSON.parse(/^ENTRYPOINT (.+)$/m.exec(runtime)![1]!)).toEqual(['node', 'bin/sleuth.js']);
    expect(existsSync(join(ROOT, 'bin', 'sleuth.js'))).toBe(true);
    const cmd = JSON.parse(/^CMD (.+)$/m.exec(runtime)![1]!) as string[];
    const { command, options } = await parseSleuth(cmd);
    expect(command).toBe('serve');
    expect(/^EXPOSE (\d+)$/m.exec(runtime)?.[1]).toBe(options.port);
    expect(runtime).toContain(`http://127.0.0.1:${options.port}/healthz`);
  });
});

describe('deploy/grafana', () => {
  const dashboard = JSON.parse(read('grafana/dashboards/sleuth.json')) as {
    uid: string;
    templating: { list: { name: string; type: string; current: { value: string } }[] };
    panels: {
      id: number;
      type: string;
      gridPos: { x: number; w: number };
      datasource?: { uid: string };
      targets?: { expr: string }[];
    }[];
  };

  it('queries only metrics Sleuth exports, and every one of them', () => {
    const queried = new Set<string>();
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        for (const name of target.expr.match(/\bsleuth_[a-z_]+/g) ?? [])
          queried.add(name.replace(/_(bucket|sum|count)$/, ''));
      }
    }
    expect([...queried].filter((m) => !METRICS.includes(m))).toEqual([]);
    expect(METRICS.filter((m) => !queried.has(m))).toEqual([]);
  });

  it('is a well-formed dashboard on the provisioned Prometheus data source', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      if (panel.type !== 'row') expect(panel.datasource?.uid).toBe(`\${datasource}`);
    }
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
    const provisioned = parseYaml(read('grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; type: string }[];
    };
    expect(variable?.type).toBe('datasource');
    expect(provisioned.datasources[0]).toMatchObject({ uid: variable?.current.value, type: 'prometheus' });
  });
});
