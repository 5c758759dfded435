import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/common/errors.js';
import { loadConfig } from '../../../src/config/index.js';

const cwd = () => mkdtempSync(join(tmpdir(), 'sleuth-ops-config-'));

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig({ env, cwd: cwd() });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('tracing configuration', () => {
  it('is off unless an OTLP endpoint is configured', () => {
    expect(loadConfig({ env: {}, cwd: cwd() }).tracing).toBeUndefined();
    expect(loadConfig({ env: { OTEL_SERVICE_NAME: 'x' }, cwd: cwd() }).tracing).toBeUndefined();
  });

  it('reads the standard OTEL_* variables: base endpoint + /v1/traces, headers, service name', () => {
    const { tracing } = loadConfig({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-team=abc%20def, authorization=Bearer%20t0ken',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=override',
        OTEL_SERVICE_NAME: 'sleuth-eu',
      },
      cwd: cwd(),
    });
    expect(tracing).toEqual({
      endpoint: 'http://collector:4318/v1/traces',
      headers: { 'x-team': 'override', authorization: 'Bearer t0ken' },
      serviceName: 'sleuth-eu',
    });
  });

  it('uses a traces endpoint as it is, and the config file when no variable is set', () => {
    const traces = loadConfig({
      env: {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example/custom/path',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x',
      },
      cwd: cwd(),
    }).tracing;
    expect(traces?.endpoint).toBe('https://otlp.example/custom/path');
    const dir = cwd();
    writeFileSync(
      join(dir, 'sleuth.config.yaml'),
      'tracing:\n  endpoint: http://127.0.0.1:4318/v1/traces\n  serviceName: from-file\n  headers: { x-key: k }\n',
    );
    expect(loadConfig({ env: {}, cwd: dir }).tracing).toEqual({
      endpoint: 'http://127.0.0.1:4318/v1/traces',
      headers: { 'x-key': 'k' },
      serviceName: 'from-file',
    });
  });

  it('is switched off by OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(loadConfig({ env: { ...endpoint, OTEL_SDK_DISABLED: 'true' }, cwd: cwd() }).tracing).toBeUndefined();
    expect(loadConfig({ env: { ...endpoint, OTEL_TRACES_EXPORTER: 'none' }, cwd: cwd() }).tracing).toBeUndefined();
  });

  it('refuses what it cannot honour: gRPC, another exporter, a non-HTTP endpoint, malformed headers', () => {
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toEqual([
      expect.stringMatching(/OTLP\/HTTP.*4318/),
    ]);
    expect(problemsOf({ OTEL_TRACES_EXPORTER: 'zipkin' })).toEqual([expect.stringMatching(/otlp or none/)]);
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toEqual([expect.stringMatching(/http/)]);
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_EXPORTER_OTLP_HEADERS: 'novalue' })).toEqual([
      expect.stringMatching(/name=value/),
    ]);
  });
});

describe('worker configuration', () => {
  it('runs 8 investigations per worker by default; SLEUTH_WORKER_CONCURRENCY changes it within 1..256', () => {
    expect(loadConfig({ env: {}, cwd: cwd() }).workers).toEqual({ concurrency: 8 });
    expect(loadConfig({ env: { SLEUTH_WORKER_CONCURRENCY: '3' }, cwd: cwd() }).workers).toEqual({ concurrency: 3 });
    expect(problemsOf({ SLEUTH_WORKER_CONCURRENCY: '0' })).toEqual([expect.stringMatching(/1 to 256/)]);
    expect(problemsOf({ SLEUTH_WORKER_CONCURENCY: '3' })).toEqual([
      expect.stringMatching(/did you mean SLEUTH_WORKER_CONCURRENCY/),
    ]);
  });
});

describe('memory pool', () => {
  it('sizes the memory pool from the worker concurrency (plus 4, at most 20); SLEUTH_MEMORY_POOL_SIZE overrides it', () => {
    expect(loadConfig({ env: {}, cwd: cwd() }).memoryPoolSize).toBe(12);
    expect(loadConfig({ env: { SLEUTH_WORKER_CONCURRENCY: '50' }, cwd: cwd() }).memoryPoolSize).toBe(20);
    expect(loadConfig({ env: { SLEUTH_WORKER_CONCURRENCY: '1' }, cwd: cwd() }).memoryPoolSize).toBe(5);
    expect(loadConfig({ env: { SLEUTH_MEMORY_POOL_SIZE: '30' }, cwd: cwd() }).memoryPoolSize).toBe(30);
    expect(problemsOf({ SLEUTH_MEMORY_POOL_SIZE: 'lots' })).toEqual([expect.stringMatching(/1 to 200/)]);
  });
});
