import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/common/logger.js';
import { createSecretRedactor, redactSecrets, urlPassword } from '../../../src/common/redact.js';

describe('secret redaction', () => {
  it('redacts a URL password whole, even with an unencoded @ or :', () => {
    expect(redactSecrets('postgres://app:p@ss:w0rd@db.internal:5432/shop failed')).toBe(
      'postgres://app:***@db.internal:5432/shop failed',
    );
    expect(redactSecrets('postgres://db.internal/shop?user=app&password=S3cr3t!&sslmode=require')).toBe(
      'postgres://db.internal/shop?user=app&password=***&sslmode=require',
    );
    expect(redactSecrets('host=db user=app password=S3cr3t dbname=shop')).toBe(
      'host=db user=app password=*** dbname=shop',
    );
  });

  it('redacts token shapes: AWS, GitHub, JWT, bearer, private keys', () => {
    const text = [
      'AKIAIOSFODNN7EXAMPLE',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'Authorization: Bearer abcdef0123456789abcdef',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
    ].join(' | ');
    expect(redactSecrets(text)).toBe('*** | *** | *** | Authorization: Bearer *** | ***');
  });

  it('redacts literal configured secrets, URL-encoded and JSON-escaped too, but not short words', () => {
    const redactor = createSecretRedactor(['Tr0ub4dor&3"x', 'demo', undefined]);
    expect(redactor.redact('pw Tr0ub4dor&3"x, encoded Tr0ub4dor%263%22x, json Tr0ub4dor&3\\"x')).toBe(
      'pw ***, encoded ***, json ***',
    );
    expect(redactor.redact('the demo connection')).toBe('the demo connection');
    redactor.add('an-api-key-without-shape');
    expect(redactor.redact('key=an-api-key-without-shape')).toBe('key=***');
  });

  it('finds the password of a connection URL', () => {
    expect(urlPassword('postgres://app:p%40ss%3Aword@db/shop')).toBe('p@ss:word');
    expect(urlPassword('mysql://root@db/shop')).toBeUndefined();
    expect(urlPassword('postgres://db/shop?password=S3cret')).toBe('S3cret');
  });

  it('keeps configured secrets out of every log line', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _e, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    const redactor = createSecretRedactor(['plain-secret-value']);
    const logger = createLogger({ level: 'info', destination, redact: redactor.redact });
    logger.info({ err: { message: 'auth failed with plain-secret-value' } }, 'using plain-secret-value');
    expect(lines.join('')).not.toContain('plain-secret-value');
    expect(JSON.parse(lines[0]!).err.message).toBe('auth failed with ***');
  });
});
