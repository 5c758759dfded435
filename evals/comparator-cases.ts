/**
 * The comparator's edge-case table: each case with the verdict under Spider's rules (test-suite `exec_eval.py`
 * `result_eq`: bag of rows, order only with ORDER BY, column permutations) and BIRD's (`evaluation.py`: set of row
 * tuples), naming the rule that decides it. Shared by the unit tests and the eval gate's comparator self-check.
 */
import type { ComparisonRule, ResultSet, TieInfo } from './comparator.js';

export type Verdict = readonly [match: boolean, rule: ComparisonRule];
export type ComparatorCase = {
  name: string;
  predicted: ResultSet;
  gold: ResultSet;
  ordered?: boolean;
  /** Tie-aware top-k: the gold's full ordered result, its ranking columns and LIMIT (see CompareOptions.ties). */
  ties?: TieInfo;
  spider: Verdict;
  bird: Verdict;
};

export const rs = (columns: string[], ...rows: unknown[][]): ResultSet => ({ columns, rows });
export const one = (value: unknown): ResultSet => rs(['v'], [value]);
export const MATCH: Verdict = [true, 'exact'];
const midnight = new Date(Date.UTC(2026, 9, 1));
const noon = new Date(Date.UTC(2026, 9, 1, 12, 0, 0, 400));

export const COMPARATOR_CASES: ComparatorCase[] = [
  // Rows: Spider compares bags, BIRD sets; without ORDER BY neither looks at row order.
  {
    name: 'same rows, different order, gold unordered',
    predicted: rs(['id', 'name'], [2, 'b'], [1, 'a']),
    gold: rs(['id', 'name'], [1, 'a'], [2, 'b']),
    spider: MATCH,
    bird: MATCH,
  },
  // Spider: ORDER BY in gold makes order count. BIRD: set() ignores order even then.
  {
    name: 'gold ordered, predicted order differs',
    predicted: rs(['id', 'name'], [2, 'b'], [1, 'a']),
    gold: rs(['id', 'name'], [1, 'a'], [2, 'b']),
    ordered: true,
    spider: [false, 'row_order'],
    bird: MATCH,
  },
  // Spider: ordered comparison of the same sequence.
  {
    name: 'gold ordered, same order',
    predicted: rs(['id'], [1], [2], [3]),
    gold: rs(['id'], [1], [2], [3]),
    ordered: true,
    spider: MATCH,
    bird: MATCH,
  },
  // Spider: column permutation still applies when ordered. BIRD: tuples are positional.
  {
    name: 'gold ordered, columns swapped, same row order',
    predicted: rs(['name', 'id'], ['a', 1], ['b', 2]),
    gold: rs(['id', 'name'], [1, 'a'], [2, 'b']),
    ordered: true,
    spider: [true, 'column_permutation'],
    bird: [false, 'row_values'],
  },
  // Spider: bag, so a duplicate changes the row count. BIRD: set, duplicates collapse.
  {
    name: 'duplicates [[1],[1]] vs [[1]]',
    predicted: rs(['v'], [1], [1]),
    gold: rs(['v'], [1]),
    spider: [false, 'row_count'],
    bird: MATCH,
  },
  // Spider: same length, different multiplicities is a different bag. BIRD: same set.
  {
    name: 'multiplicities differ, same row count',
    predicted: rs(['v'], [1], [1], [2]),
    gold: rs(['v'], [1], [2], [2]),
    spider: [false, 'column_values'],
    bird: MATCH,
  },
  // Spider: column permutations are tried. BIRD: compares tuples position by position.
  {
    name: 'column order swapped',
    predicted: rs(['revenue', 'region'], [10, 'north'], [20, 'south']),
    gold: rs(['region', 'revenue'], ['north', 10], ['south', 20]),
    spider: [true, 'column_permutation'],
    bird: [false, 'row_values'],
  },
  // Both: column names are never compared.
  {
    name: 'column names differ',
    predicted: rs(['a', 'b'], ['north', 10]),
    gold: rs(['region', 'revenue'], ['north', 10]),
    spider: MATCH,
    bird: MATCH,
  },
  // Sleuth (spider mode): the gold columns plus an extra one is a match reported under its own rule, `superset`.
  // BIRD: tuples of different lengths are never equal.
  {
    name: 'extra predicted column (superset)',
    predicted: rs(['region', 'revenue', 'n'], ['north', 10, 3]),
    gold: rs(['region', 'revenue'], ['north', 10]),
    spider: [true, 'superset'],
    bird: [false, 'column_count'],
  },
  // superset: the gold columns must be among the predicted ones, row for row.
  {
    name: 'extra predicted column, gold values not all present',
    predicted: rs(['region', 'revenue', 'n'], ['north', 11, 3], ['south', 20, 4]),
    gold: rs(['region', 'revenue'], ['north', 10], ['south', 20]),
    spider: [false, 'column_count'],
    bird: [false, 'column_count'],
  },
  {
    name: 'superset of an ordered gold, rows in the gold order',
    predicted: rs(['name', 'id', 'tickets'], ['a', 1, 9], ['b', 2, 8]),
    gold: rs(['id', 'tickets'], [1, 9], [2, 8]),
    ordered: true,
    spider: [true, 'superset'],
    bird: [false, 'column_count'],
  },
  {
    name: 'missing predicted column',
    predicted: rs(['region'], ['north']),
    gold: rs(['region', 'revenue'], ['north', 10]),
    spider: [false, 'column_count'],
    bird: [false, 'column_count'],
  },
  // Normalisation (Sleuth, both modes): pg/mysql2 DECIMAL and pg BIGINT arrive as strings.
  { name: "decimal string '10.50' vs 10.5", predicted: one('10.50'), gold: one(10.5), spider: MATCH, bird: MATCH },
  { name: "bigint string '10' vs 10", predicted: one('10'), gold: one(10), spider: MATCH, bird: MATCH },
  // Normalisation: only the canonical numeric form counts as a number; '007' stays text.
  {
    name: "'007' vs 7",
    predicted: one('007'),
    gold: one(7),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  // Float tolerance (relative 1e-6): floating-point noise is equal.
  { name: '0.1 + 0.2 vs 0.3', predicted: one(0.1 + 0.2), gold: one(0.3), spider: MATCH, bird: MATCH },
  // Float tolerance: a relative difference of 1e-4 is a different answer.
  {
    name: '1.0001 vs 1',
    predicted: one(1.0001),
    gold: one(1),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  // Float tolerance: a relative difference of 1e-7 is within 1e-6.
  { name: '1.0000001 vs 1', predicted: one(1.0000001), gold: one(1), spider: MATCH, bird: MATCH },
  // Money and rounded decimals (Sleuth): the tolerance follows the gold's scale in absolute terms, so 0.1 apart at
  // 1e6 is a different one-decimal figure, whatever the relative difference (1e-7)...
  {
    name: '1000000.5 vs 1000000.4',
    predicted: one(1000000.5),
    gold: one(1000000.4),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  // ...ten dollars on eleven million is a real difference (relative 9e-7 passed the old 1e-6 tolerance)...
  {
    name: '11833285.00 vs 11833295.69 (cents)',
    predicted: one('11833285.00'),
    gold: one('11833295.69'),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  {
    name: '11833295.69 vs 11833295.69 as a float',
    predicted: one(11833295.69),
    gold: one('11833295.69'),
    spider: MATCH,
    bird: MATCH,
  },
  // ...a SUM of floats carries noise beyond the cents: still the same money.
  {
    name: 'float-noise sum vs cents',
    predicted: one(11833295.690000001),
    gold: one('11833295.69'),
    spider: MATCH,
    bird: MATCH,
  },
  // ...an integer gold takes no fraction of a unit (relative 9e-7 passed the old tolerance).
  {
    name: '1000000.9 vs integer 1000000',
    predicted: one(1000000.9),
    gold: one(1000000),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  // Rounding-aware: a value equals its rounding to the gold's decimals...
  {
    name: '42.9234 vs gold 42.92 (rounds to it)',
    predicted: one(42.9234),
    gold: one(42.92),
    spider: MATCH,
    bird: MATCH,
  },
  {
    name: "42.9234 vs gold '42.92' (DECIMAL)",
    predicted: one('42.9234'),
    gold: one('42.92'),
    spider: MATCH,
    bird: MATCH,
  },
  // ...not the reverse: a coarser prediction of a precise gold is wrong...
  {
    name: '42.92 vs gold 42.9234',
    predicted: one(42.92),
    gold: one(42.9234),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  // ...and a value that rounds to another figure is wrong.
  {
    name: '42.926 vs gold 42.92',
    predicted: one(42.926),
    gold: one(42.92),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  // A DECIMAL string's declared scale counts: '10.50' has two decimals, so 10.54 is not it.
  {
    name: "10.54 vs gold '10.50'",
    predicted: one(10.54),
    gold: one('10.50'),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  // Relative tolerance stays for computed floats (more than four decimals): 1e-5 apart at 1e-4 is a difference.
  {
    name: '0.00012 vs 0.00011',
    predicted: one(0.00012),
    gold: one(0.00011),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  // Float tolerance never applies between two integers: counts are exact.
  {
    name: '1000001 vs 1000000',
    predicted: one(1000001),
    gold: one(1000000),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  // Float tolerance with rows in another order: noise must not change which rows pair up.
  {
    name: 'near-equal floats paired across reordered rows',
    predicted: rs(['x', 'k'], [0.3, 'a'], [0.1 + 0.2, 'b']),
    gold: rs(['x', 'k'], [0.1 + 0.2, 'a'], [0.3, 'b']),
    spider: MATCH,
    bird: MATCH,
  },
  // NULL equals only NULL.
  {
    name: 'NULL vs 0',
    predicted: one(null),
    gold: one(0),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  {
    name: "NULL vs ''",
    predicted: one(null),
    gold: one(''),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  { name: 'NULL vs NULL', predicted: one(null), gold: one(null), spider: MATCH, bird: MATCH },
  // Dates: a date string is midnight UTC.
  { name: "Date vs '2026-10-01'", predicted: one(midnight), gold: one('2026-10-01'), spider: MATCH, bird: MATCH },
  // Month labels: strftime('%Y-%m') on one side, a DATE / date_trunc on the other.
  { name: "'2026-10' vs '2026-10-01'", predicted: one('2026-10'), gold: one('2026-10-01'), spider: MATCH, bird: MATCH },
  { name: "'2026-10' vs Date 2026-10-01", predicted: one('2026-10'), gold: one(midnight), spider: MATCH, bird: MATCH },
  {
    name: "'2026-11' vs '2026-10-01'",
    predicted: one('2026-11'),
    gold: one('2026-10-01'),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  { name: "'2026-13' stays text", predicted: one('2026-13'), gold: one('2026-13'), spider: MATCH, bird: MATCH },
  // Timestamps compare to the second; a string without offset is UTC, one with an offset is converted.
  {
    name: 'Date with ms vs timestamp string',
    predicted: one(noon),
    gold: one('2026-10-01 12:00:00'),
    spider: MATCH,
    bird: MATCH,
  },
  {
    name: 'timestamps one second apart',
    predicted: one(noon),
    gold: one('2026-10-01 12:00:01'),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  {
    name: 'timestamp with offset vs UTC',
    predicted: one('2026-10-01T14:00:00+02:00'),
    gold: one('2026-10-01 12:00:00'),
    spider: MATCH,
    bird: MATCH,
  },
  // Booleans are 1/0 (SQLite and MariaDB have no boolean type).
  { name: 'true vs 1', predicted: one(true), gold: one(1), spider: MATCH, bird: MATCH },
  { name: 'false vs 0', predicted: one(false), gold: one(0), spider: MATCH, bird: MATCH },
  // Strings compare exactly, as in both scripts: case and trailing whitespace count.
  {
    name: "'abc' vs 'ABC'",
    predicted: one('abc'),
    gold: one('ABC'),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  {
    name: "'abc ' vs 'abc'",
    predicted: one('abc '),
    gold: one('abc'),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  // Both scripts: two empty results are equal, whatever the columns.
  {
    name: 'both empty',
    predicted: rs(['a', 'b']),
    gold: rs(['x']),
    spider: [true, 'both_empty'],
    bird: [true, 'both_empty'],
  },
  // One empty: Spider's length check; BIRD: an empty set differs from a non-empty one.
  {
    name: 'predicted empty',
    predicted: rs(['v']),
    gold: rs(['v'], [1]),
    spider: [false, 'row_count'],
    bird: [false, 'row_count'],
  },
  {
    name: 'gold empty',
    predicted: rs(['v'], [1]),
    gold: rs(['v']),
    spider: [false, 'row_count'],
    bird: [false, 'row_count'],
  },
  // BigInt from drivers equals the number; beyond 2^53 integers stay exact.
  { name: 'BigInt 10n vs 10', predicted: one(10n), gold: one(10), spider: MATCH, bird: MATCH },
  {
    name: 'huge BigInt vs its NUMERIC string',
    predicted: one(12345678901234567890n),
    gold: one('12345678901234567890'),
    spider: MATCH,
    bird: MATCH,
  },
  {
    name: 'huge BigInt vs its neighbour',
    predicted: one(12345678901234567891n),
    gold: one('12345678901234567890'),
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  // Spider: two columns with the same values (pruning cannot tell them apart) swapped; the search finds the mapping.
  {
    name: 'two columns with identical value multisets swapped',
    predicted: rs(['b', 'a'], [2, 1], [3, 2], [1, 3]),
    gold: rs(['a', 'b'], [1, 2], [2, 3], [3, 1]),
    spider: [true, 'column_permutation'],
    bird: [false, 'row_values'],
  },
  // Both: two identical columns are indistinguishable, so swapping them changes nothing.
  {
    name: 'two identical columns swapped',
    predicted: rs(['b', 'a'], [1, 1], [2, 2]),
    gold: rs(['a', 'b'], [1, 1], [2, 2]),
    spider: MATCH,
    bird: MATCH,
  },
  // Spider: each column's values match as a multiset but the rows pair them differently (quick rejection).
  {
    name: 'per-column multisets equal, rows differ',
    predicted: rs(['id', 'name'], [1, 'b'], [2, 'a']),
    gold: rs(['id', 'name'], [1, 'a'], [2, 'b']),
    spider: [false, 'row_values'],
    bird: [false, 'row_values'],
  },
  // Spider: per-column multisets AND each row's bag of values agree, yet no column mapping works: the pruned
  // search must reject it, not accept it.
  {
    name: 'per-column multisets and row bags equal, no mapping works',
    predicted: rs(['a', 'b', 'c'], [1, 1, 2], [1, 2, 1], [2, 1, 2]),
    gold: rs(['a', 'b', 'c'], [1, 1, 2], [1, 1, 2], [2, 2, 1]),
    spider: [false, 'row_values'],
    bird: [false, 'row_count'], // BIRD: 2 distinct gold rows vs 3 predicted
  },
  // JSON columns compare by content, key order aside; bytes by content.
  {
    name: 'JSON objects, keys reordered',
    predicted: one({ b: 1, a: [1, 2] }),
    gold: one({ a: [1, 2], b: 1 }),
    spider: MATCH,
    bird: MATCH,
  },
  {
    name: 'bytes with equal content',
    predicted: one(Buffer.from('ab')),
    gold: one(new Uint8Array([97, 98])),
    spider: MATCH,
    bird: MATCH,
  },
  // Tie-aware top-k: customers 3, 4 and 5 tie at 7 tickets across a LIMIT 3 cut; the gold breaks the tie by id.
  {
    name: 'top-3 with another valid tie-break at the cut',
    predicted: rs(['id', 'tickets'], [1, 9], [2, 8], [5, 7]),
    gold: rs(['id', 'tickets'], [1, 9], [2, 8], [3, 7]),
    ordered: true,
    ties: {
      full: [
        [1, 9],
        [2, 8],
        [3, 7],
        [4, 7],
        [5, 7],
        [6, 2],
      ],
      keyColumns: [1],
      limit: 3,
    },
    spider: [true, 'tie_break'],
    bird: [true, 'tie_break'],
  },
  {
    name: 'top-3 tie-break, columns swapped',
    predicted: rs(['tickets', 'id'], [9, 1], [8, 2], [7, 4]),
    gold: rs(['id', 'tickets'], [1, 9], [2, 8], [3, 7]),
    ordered: true,
    ties: {
      full: [
        [1, 9],
        [2, 8],
        [3, 7],
        [4, 7],
        [5, 7],
        [6, 2],
      ],
      keyColumns: [1],
      limit: 3,
    },
    spider: [true, 'tie_break'],
    bird: [false, 'row_values'],
  },
  // A row from below the tied group is not a valid tie-break.
  {
    name: 'top-3 with a row below the tie',
    predicted: rs(['id', 'tickets'], [1, 9], [2, 8], [6, 2]),
    gold: rs(['id', 'tickets'], [1, 9], [2, 8], [3, 7]),
    ordered: true,
    ties: {
      full: [
        [1, 9],
        [2, 8],
        [3, 7],
        [4, 7],
        [5, 7],
        [6, 2],
      ],
      keyColumns: [1],
      limit: 3,
    },
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  // Dropping a row ranked above the tie to take two tied ones is wrong.
  {
    name: 'top-3 missing a row above the tie',
    predicted: rs(['id', 'tickets'], [1, 9], [4, 7], [5, 7]),
    gold: rs(['id', 'tickets'], [1, 9], [2, 8], [3, 7]),
    ordered: true,
    ties: {
      full: [
        [1, 9],
        [2, 8],
        [3, 7],
        [4, 7],
        [5, 7],
        [6, 2],
      ],
      keyColumns: [1],
      limit: 3,
    },
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
  // No tie crosses the cut: the gold's rows are the only right ones.
  {
    name: 'top-2 without a tie at the cut',
    predicted: rs(['id', 'tickets'], [1, 9], [3, 7]),
    gold: rs(['id', 'tickets'], [1, 9], [2, 8]),
    ordered: true,
    ties: {
      full: [
        [1, 9],
        [2, 8],
        [3, 7],
        [4, 7],
        [5, 7],
        [6, 2],
      ],
      keyColumns: [1],
      limit: 2,
    },
    spider: [false, 'column_values'],
    bird: [false, 'row_values'],
  },
];
