/**
 * Bytes in results (MariaDB `BINARY email`, `CAST(x AS BINARY)`, a BLOB holding text) are judged as the text they
 * decode to: masked when that text would be, kept as bytes otherwise.
 */
import { describe, expect, it } from 'vitest';
import { createPiiMasker } from '../../../src/pii/index.js';

const result = (columns: string[], rows: unknown[][]) => ({
  columns: columns.map((name) => ({ name, type: 'varbinary' })),
  rows,
  rowCount: rows.length,
  truncated: false,
  elapsedMs: 1,
});

describe('personal data in binary values', () => {
  const masker = createPiiMasker();

  it('masks an email or phone number that comes back as bytes, in a column named for it or not', () => {
    const masked = masker.maskResult(
      result(
        ['BINARY email', 'b'],
        [[Buffer.from('alice@example.com'), new Uint8Array(Buffer.from('call +49 30 1234567 now'))]],
      ),
    );
    expect(JSON.stringify(masked.rows)).not.toContain('alice');
    expect(masked.rows[0]?.[0]).toBe('a***@example.com');
    expect(String(masked.rows[0]?.[1])).not.toContain('1234567');
  });

  it('keeps bytes that hold nothing personal as they are', () => {
    const bytes = Buffer.from([0x00, 0xff, 0x10, 0x7f]);
    const kept = masker.maskResult(result(['payload'], [[bytes]]));
    expect(kept.rows[0]?.[0]).toBe(bytes);
  });
});
