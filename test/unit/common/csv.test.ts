/** The one CSV writer: RFC 4180 quoting and the spreadsheet formula guard, for cells and headers. */
import { describe, expect, it } from 'vitest';
import { csvField, writeCsv } from '../../../src/common/csv.js';

describe('writeCsv', () => {
  it('prefixes text that a spreadsheet would run as a formula, in cells and headers', () => {
    for (const text of ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x","y")']) {
      expect(csvField(text).replace(/^"|"$/g, '').startsWith("'")).toBe(true);
    }
    expect(writeCsv(['=evil'], [['ok']])).toBe("'=evil\r\nok\r\n");
  });

  it('leaves plain numbers and ordinary text alone', () => {
    expect(
      writeCsv(
        ['n', 's'],
        [
          [-3, '-12.50'],
          [1e21, 'a-b'],
          [BigInt(-7), '+49'],
        ],
      ),
    ).toBe('n,s\r\n-3,-12.50\r\n1e+21,a-b\r\n-7,+49\r\n');
  });

  it('quotes commas, quotes and line breaks (RFC 4180), and writes NULL, dates, bytes and objects', () => {
    const csv = writeCsv(
      ['a', 'b', 'c', 'd', 'e'],
      [
        ['x,y', 'say "hi"', 'two\nlines', null, new Date('2026-01-02T03:04:05Z')],
        [Buffer.from('abc'), { k: 1 }],
      ],
    );
    expect(csv).toBe(
      'a,b,c,d,e\r\n"x,y","say ""hi""","two\nlines",,2026-01-02T03:04:05.000Z\r\n<3 bytes>,"{""k"":1}",,,\r\n',
    );
  });

  it('guards a formula that hides behind a quote or a line break', () => {
    expect(csvField('=1,2')).toBe(`"'=1,2"`);
    expect(csvField('-1\n=2')).toBe(`"'-1\n=2"`);
  });
});
