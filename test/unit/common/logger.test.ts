import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, withCorrelation } from '../../../src/common/logger.js';
import { redactSecrets } from '../../../src/common/redact.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, destination };
}

describe('logging', () => {
  it('writes JSON lines with a correlation id and never the secrets', () => {
    const { lines, destination } = capture();
    const logger = withCorrelation(createLogger({ level: 'info', destination }), 'req-123');
    logger.info(
      { password: 'hunter2', config: { apiKey: 'sk-ant-abcdefghijklmnop' } },
      'connecting to postgres://app:hunter2@db:5432/shop',
    );
    logger.warn('token xoxb-1234567890-abcdefghij leaked?');
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0].correlationId).toBe('req-123');
    expect(parsed[1].correlationId).toBe('req-123');
    const all = lines.join('\n');
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('sk-ant-abcdefghijklmnop');
    expect(all).not.toContain('xoxb-1234567890');
    expect(parsed[0].msg).toBe('connecting to postgres://app:***@db:5432/shop');
  });

  it('redacts URL passwords and token shapes in any text', () => {
    expect(redactSecrets('mysql://root:pw@h/db and mariadb://u:p%40ss@h:3306/x')).toBe(
      'mysql://root:***@h/db and mariadb://u:***@h:3306/x',
    );
    expect(redactSecrets('key sk-proj-abcdefghijklmnopqrstuvwxyz')).toBe('key ***');
    expect(redactSecrets('postgres://user@host/db')).toBe('postgres://user@host/db');
  });
});
