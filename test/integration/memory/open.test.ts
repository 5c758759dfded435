import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/common/logger.js';
import { MEMORY_MIGRATIONS, openMemoryStore } from '../../../src/memory/index.js';
import { silentLogger } from '../../helpers/databases.js';

describe('opening the memory store', () => {
  it('fails with a redacted MEMORY_ERROR when the server is unreachable', async () => {
    const error = await openMemoryStore({
      url: 'postgres://sleuth:s3cret-pw@127.0.0.1:1/nowhere',
      logger: silentLogger,
    })
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MEMORY_ERROR', fault: 'upstream' });
    expect((error as Error).message).toContain('postgres://sleuth:***@127.0.0.1:1/nowhere');
    expect(
      JSON.stringify({ message: (error as Error).message, details: (error as { details: unknown }).details }),
    ).not.toContain('s3cret-pw');
  });

  it('logs which backend it opened; an in-memory PGlite starts empty each time', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination });
    const first = await openMemoryStore({ logger });
    const { id } = await first.createInvestigation({ question: 'q', connection: 'demo', status: 'running' });
    await first.close();
    const second = await openMemoryStore({ logger: silentLogger });
    try {
      expect(await second.getInvestigation(id)).toBeUndefined();
      expect(second.backend).toBe('pglite');
    } finally {
      await second.close();
    }
    const opened = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'memory store open');
    expect(opened?.applied).toHaveLength(Object.keys(MEMORY_MIGRATIONS).length);
    expect(Object.keys(MEMORY_MIGRATIONS)).toContain('0001_initial');
    expect(opened).toMatchObject({
      backend: 'pglite',
      // every migration, in name order (branches may add numbers out of order)
      applied: Object.keys(MEMORY_MIGRATIONS).sort(),
    });
  });
});
