import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HTTP_STATUS, toHttpError, validationError } from '../../../src/api/index.js';
import { BugError, type ErrorCode, UpstreamError, UserError } from '../../../src/common/errors.js';

describe('HTTP error mapping', () => {
  it.each<[ErrorCode, number]>([
    ['INVALID_REQUEST', 400],
    ['CONNECTION_UNKNOWN', 400],
    ['UNAUTHORIZED', 401],
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['SQL_REJECTED', 422],
    ['SQL_ERROR', 422],
    ['RATE_LIMITED', 429],
    ['CONNECTION_FAILED', 502],
    ['MODEL_UNAVAILABLE', 503],
    ['SHUTTING_DOWN', 503],
    ['SQL_TIMEOUT', 504],
  ])('%s is %i with the code in the body', (code, status) => {
    const problem = toHttpError(new UserError(code, `something about ${code}`));
    expect(problem.status).toBe(status);
    expect(problem.body.error.code).toBe(code);
    expect(HTTP_STATUS[code]).toBe(status);
  });

  it('keeps the guard code of a refusal and the message the caller can act on', () => {
    const problem = toHttpError(
      new UserError('SQL_REJECTED', 'Query refused (WRITE_STATEMENT): DELETE changes data.', {
        details: { guardCode: 'WRITE_STATEMENT', reason: 'DELETE changes data.' },
      }),
    );
    expect(problem).toMatchObject({
      status: 422,
      serverFault: false,
      body: { error: { code: 'SQL_REJECTED', guardCode: 'WRITE_STATEMENT', message: expect.stringMatching(/DELETE/) } },
    });
  });

  it('never shows a stack trace, an internal message or a secret', () => {
    const crash = new TypeError("Cannot read properties of undefined (reading 'rows') at /srv/sleuth/x.js:1:1");
    const unknown = toHttpError(crash, 'req-1');
    expect(unknown).toMatchObject({
      status: 500,
      serverFault: true,
      body: { error: { code: 'INTERNAL', requestId: 'req-1' } },
    });
    expect(JSON.stringify(unknown.body)).not.toMatch(/rows|srv|\.js/);

    const bug = toHttpError(new BugError('invariant broke: seq 3 after 5'), 'req-2');
    expect(bug.body.error.message).not.toMatch(/seq/);

    const memory = toHttpError(
      new UpstreamError(
        'MEMORY_ERROR',
        "Sleuth's memory failed (getInvestigation): connect ECONNREFUSED 10.0.0.5:5432",
      ),
    );
    expect(memory.status).toBe(503);
    expect(memory.body.error.message).not.toMatch(/10\.0\.0\.5/);

    const upstream = toHttpError(
      new UpstreamError('CONNECTION_FAILED', 'cannot reach postgres://sleuth:hunter2@db.internal/analytics'),
    );
    expect(upstream.status).toBe(502);
    expect(upstream.body.error.message).not.toContain('hunter2');
    expect(
      toHttpError(new UserError('USAGE', 'token slk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).body
        .error.message,
    ).not.toMatch(/AAAA/);
  });

  it('lists every validation problem with where it is', () => {
    const schema = z.strictObject({ question: z.string().min(1), connection: z.string().optional() });
    const parsed = schema.safeParse({ question: '', extra: 1 });
    if (parsed.success) throw new Error('expected a failure');
    const problem = toHttpError(validationError('body', parsed.error));
    expect(problem.status).toBe(400);
    expect(problem.body.error.code).toBe('INVALID_REQUEST');
    expect(problem.body.error.issues?.map((i) => i.path).sort()).toEqual(['body', 'body.question']);
  });

  it('maps the body parser failures and sets Retry-After and WWW-Authenticate', () => {
    expect(
      toHttpError(Object.assign(new Error('Unexpected token'), { type: 'entity.parse.failed', status: 400 })),
    ).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_REQUEST', message: 'The request body is not valid JSON.' } },
    });
    expect(toHttpError(Object.assign(new Error('too big'), { type: 'entity.too.large', status: 413 })).status).toBe(
      413,
    );
    const limited = toHttpError(new UserError('RATE_LIMITED', 'slow down', { details: { retryAfterMs: 1200 } }));
    expect(limited.headers['retry-after']).toBe('2');
    expect(toHttpError(new UserError('UNAUTHORIZED', 'no key')).headers['www-authenticate']).toMatch(/^Bearer/);
  });
});
