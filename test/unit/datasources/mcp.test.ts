import { describe, expect, it } from 'vitest';
import { capRows, inlineNumericParams, parseConnectionUrl } from '../../../src/datasources/index.js';
import { parseToolRows } from '../../../src/datasources/mcp-result.js';

describe('mcp:// connection URLs', () => {
  it('names the server, the dialect and optionally the tool and its argument', () => {
    expect(parseConnectionUrl('mcp://warehouse?dialect=postgres')).toEqual({
      dialect: 'postgres',
      mcp: { server: 'warehouse' },
    });
    expect(parseConnectionUrl('mcp://Shop.DB/?dialect=mysql&tool=execute_sql_shop&arg=sql')).toEqual({
      dialect: 'mariadb',
      mcp: { server: 'Shop.DB', tool: 'execute_sql_shop', arg: 'sql' },
    });
  });
});

describe('inlineNumericParams', () => {
  it('inlines numbers for PostgreSQL placeholders and ? placeholders', () => {
    expect(inlineNumericParams('SELECT * FROM t WHERE oid = $1::bigint::oid AND n > $2', [16384, -3], 'postgres')).toBe(
      'SELECT * FROM t WHERE oid = 16384::bigint::oid AND n > (-3)',
    );
    expect(inlineNumericParams('SELECT a - ? FROM t', [-1n], 'mariadb')).toBe('SELECT a - (-1) FROM t');
    expect(inlineNumericParams('SELECT 1', [], 'postgres')).toBe('SELECT 1');
  });

  it('refuses anything but finite numbers, and placeholders without a value', () => {
    expect(() => inlineNumericParams('SELECT $1', ["x' OR 1=1 --"], 'postgres')).toThrow(/numeric parameters only/);
    expect(() => inlineNumericParams('SELECT $1', [Number.NaN], 'postgres')).toThrow(/numeric parameters only/);
    expect(() => inlineNumericParams('SELECT $2', [1], 'postgres')).toThrow(/parameter 2 with no value/);
  });
});

describe('capRows', () => {
  it('wraps PostgreSQL SELECT, WITH and VALUES so the server stops at the cap + 1', () => {
    expect(capRows('SELECT id FROM t ORDER BY id', 5, 'postgres')).toBe(
      'SELECT * FROM (\nSELECT id FROM t ORDER BY id\n) AS sleuth_capped LIMIT 6',
    );
    expect(capRows('with x as (select 1) select * from x', 0, 'postgres')).toMatch(/LIMIT 1$/);
  });

  it('leaves other statements and other dialects alone', () => {
    expect(capRows('EXPLAIN SELECT 1', 5, 'postgres')).toBe('EXPLAIN SELECT 1');
    expect(capRows('/* c */ SELECT 1', 5, 'postgres')).toBe('/* c */ SELECT 1');
    expect(capRows('SELECT id FROM t ORDER BY id', 5, 'mariadb')).toBe('SELECT id FROM t ORDER BY id');
  });
});

describe('parseToolRows', () => {
  const ok = (text: string, structured?: unknown) => parseToolRows({ isError: false, text, structured }, 'srv');

  it('reads server-postgres rows (an array of objects)', () => {
    expect(ok('[{"a":1,"b":"x"},{"a":2,"c":true}]')).toEqual({
      columns: [
        { name: 'a', type: 'unknown' },
        { name: 'b', type: 'unknown' },
        { name: 'c', type: 'unknown' },
      ],
      rows: [
        [1, 'x', null],
        [2, null, true],
      ],
    });
    expect(ok('[]')).toEqual({ columns: [], rows: [] });
  });

  it('reads dbhub answers, {columns, rows}, structured content and JSON wrapped in prose', () => {
    expect(ok('{"success":true,"data":{"rows":[{"n":3}],"count":1}}').rows).toEqual([[3]]);
    expect(ok('{"columns":["a",{"name":"b"}],"rows":[[1,2]]}')).toEqual({
      columns: [
        { name: 'a', type: 'unknown' },
        { name: 'b', type: 'unknown' },
      ],
      rows: [[1, 2]],
    });
    expect(ok('ignored', { rows: [{ x: 1 }] }).rows).toEqual([[1]]);
    expect(ok('Below is the result:\n<untrusted-data>[{"x": 5}]</untrusted-data>').rows).toEqual([[5]]);
  });

  it('turns errors into SQL_ERROR with the server message, redacted', () => {
    expect(() =>
      parseToolRows(
        {
          isError: true,
          text: '{"success":false,"error":"password authentication failed for postgres://u:hunter2@h/db","code":"EXECUTION_ERROR"}',
        },
        'srv',
      ),
    ).toThrow(/The database returned an error: password authentication failed for postgres:\/\/u:\*\*\*@h\/db$/);
    expect(() => parseToolRows({ isError: true, text: 'MCP error -32603: column "x" does not exist' }, 'srv')).toThrow(
      /error: column "x" does not exist$/,
    );
    expect(() => ok('{"success":false,"error":"nope"}')).toThrow(/nope/);
    expect(() => ok('no json here')).toThrow(/did not answer with JSON rows/);
    expect(() => ok('{"hello":"world"}')).toThrow(/not a result set/);
  });
});
