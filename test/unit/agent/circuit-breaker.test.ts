import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from '../../../src/agent/index.js';
import { UpstreamError } from '../../../src/common/errors.js';

describe('circuit breaker', () => {
  it('opens after repeated upstream failures, fails fast during the cooldown, then lets one trial through', async () => {
    let clock = 0;
    const breaker = createCircuitBreaker({
      name: 'db:warehouse',
      failureThreshold: 3,
      cooldownMs: 10_000,
      now: () => clock,
    });
    let calls = 0;
    const outage = async () => {
      calls++;
      throw new UpstreamError('CONNECTION_FAILED', 'down');
    };
    const isOutage = (e: unknown) => (e as UpstreamError).code === 'CONNECTION_FAILED';
    for (let i = 0; i < 3; i++)
      await expect(breaker.run(outage, isOutage)).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
    expect(breaker.state()).toBe('open');
    await expect(breaker.run(outage, isOutage)).rejects.toMatchObject({
      code: 'CIRCUIT_OPEN',
      message: expect.stringMatching(/db:warehouse failed 3 times in a row.*10 s/),
    });
    expect(calls).toBe(3);
    clock = 10_000;
    expect(breaker.state()).toBe('half_open');
    await expect(breaker.run(async () => 'back', isOutage)).resolves.toBe('back');
    expect(breaker.state()).toBe('closed');
  });

  it('does not count failures that are not outages (a SQL syntax error is not the database failing)', async () => {
    const breaker = createCircuitBreaker({ name: 'db', failureThreshold: 2 });
    const syntax = async () => {
      throw new UpstreamError('SQL_ERROR', 'syntax error');
    };
    for (let i = 0; i < 5; i++)
      await expect(breaker.run(syntax, () => false)).rejects.toMatchObject({ code: 'SQL_ERROR' });
    expect(breaker.state()).toBe('closed');
  });

  it('re-opens when the half-open trial fails', async () => {
    let clock = 0;
    const breaker = createCircuitBreaker({ name: 'model', failureThreshold: 1, cooldownMs: 1_000, now: () => clock });
    const fail = async () => {
      throw new UpstreamError('MODEL_UNAVAILABLE', '503');
    };
    await expect(breaker.run(fail, () => true)).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    clock = 1_000;
    await expect(breaker.run(fail, () => true)).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    expect(breaker.state()).toBe('open');
  });
});
