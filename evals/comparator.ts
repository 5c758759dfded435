/**
 * Execution-accuracy comparator (issue 6, item 2). Pure functions, no I/O: the runner executes the predicted and the
 * gold SQL on the same database and hands both result sets here. Only `compareWithTimeout` touches a timer.
 *
 * Two scoring modes, after the official scripts:
 * - `spider` (default), test-suite execution accuracy (Zhong et al. 2020, `exec_eval.py` `result_eq`): rows are
 *   compared as multisets (duplicates count); order matters only when `ordered` (Spider: the gold SQL has ORDER BY,
 *   see `goldIsOrdered`); column names never matter and column order is ignored: we look for a mapping of predicted
 *   columns onto gold columns that makes the rows equal. A missing predicted column is a mismatch, as in Spider; an
 *   extra one is Sleuth's `superset` rule (below).
 * - `bird` (BIRD `evaluation.py`: `set(predicted_res) == set(ground_truth_res)`): rows are compared as sets, so
 *   duplicates collapse and row order never matters, even when the gold query orders (`ordered` is ignored). Rows are
 *   tuples there, so columns are compared by position: no column mapping, a swapped column order is a mismatch.
 * In both modes two empty results match whatever their columns (both scripts), an empty and a non-empty one do not.
 *
 * Sleuth's additions to both modes. The official scripts compare Python values from one SQLite driver (where already
 * True == 1 and 10 == 10.0); we compare across pg, mysql2 and sqlite3, so `normalizeValue` maps every value first:
 * - booleans are 1/0; bigints, numbers and numeric strings in the form drivers print DECIMAL/NUMERIC/BIGINT ('10.50',
 *   '-3', not '007', ' 1' or '1e3') are numbers; integers beyond 2^53 stay exact bigints.
 * - Date objects and ISO date/time strings are instants truncated to the second; a string without an offset is UTC,
 *   so '2026-10-01' equals a Date at midnight UTC. pg and mysql2 build DATE/TIMESTAMP Dates in the process time zone:
 *   run evals with TZ=UTC.
 * - strings compare exactly, case and whitespace included, as Spider and BIRD do ('abc ' differs from 'abc';
 *   MariaDB strips CHAR padding and PostgreSQL keeps it, so gold SQL should trim where that matters).
 * - NULL equals only NULL; bytes compare by content; other objects (JSON columns) by their JSON with sorted keys.
 * - a month label '2026-10' is its first day, so it equals '2026-10-01' or a DATE of that day.
 * - numbers, asymmetric (predicted vs gold, `numbersEqual`), following the gold value's scale (a DECIMAL string's
 *   declared scale, else the decimals of the float once floating-point noise is ignored): a gold with 1-4 decimals
 *   (money, rounded ratios) is matched by any value that rounds to it, in absolute terms (42.9234 equals 42.92, not
 *   the reverse; 11,833,285.00 is not 11,833,295.69); an integer gold by a value within the relative tolerance
 *   `floatTolerance` (default 1e-6) and under half a unit (1,000,000.9 is not 1,000,000; two integers compare
 *   exactly); a computed float with more decimals by the relative tolerance. Differences below 1e-9 are noise.
 *   floatTolerance 0 compares exactly, as in both scripts. Gold numbers within noise of each other share one token,
 *   and each predicted number takes the token of the nearest gold number it equals, so the multiset comparison stays
 *   exact and fast.
 * - extra predicted columns (spider mode): when the gold columns are among them, row for row, it is a match under its
 *   own rule `superset` (a helpful extra column is not a wrong answer, and a run counts how often it happens).
 * - ties at a LIMIT (`options.ties`): another valid choice among the rows tied at the cut is a match, rule
 *   `tie_break`.
 *
 * Column mapping (spider). Spider enumerates permutations, pruning candidates with 20 sampled rows, after a quick
 * rejection on rows with their values sorted. We keep the quick rejection and prune deterministically: a gold column
 * may only map to a predicted column holding the same multiset of values (same sequence when ordered, which makes the
 * ordered case a plain assignment); predicted columns with identical contents are tried once; the depth-first search
 * checks, after each assigned column, that the projection of the rows on the assigned columns is the same multiset on
 * both sides. The search stops after `searchLimit` candidates (default 10,000) and reports `search_capped`.
 */

export type ResultSet = { columns: string[]; rows: unknown[][] };
export type ComparisonMode = 'spider' | 'bird';
export type CompareOptions = {
  /** The gold query orders its rows (Spider: gold SQL contains ORDER BY). Ignored in `bird` mode. */
  ordered: boolean;
  mode?: ComparisonMode;
  /** Relative tolerance for floats, default 1e-6; 0 compares exactly. */
  floatTolerance?: number;
  /** Column-mapping candidates tried before giving up with `search_capped`, default 10,000. */
  searchLimit?: number;
  /**
   * Tie-aware top-k: the gold query's full ordered result (its LIMIT removed), the gold columns its ORDER BY ranks by
   * (tie-breakers on unique columns left out) and the LIMIT. When rows tie on those columns across the cut, any
   * choice among the tied rows is right (rule `tie_break`). See `tieInfoFor` in evals/golden/ties.ts.
   */
  ties?: TieInfo;
};

export type TieInfo = { full: unknown[][]; keyColumns: number[]; limit: number };

/**
 * Stable rule codes: the first five are matches (`tie_break`: another valid choice among rows tied at the gold's
 * LIMIT; `superset`: the gold columns plus extra ones, reported apart so a run shows how often it happens), the rest
 * say why a prediction is wrong.
 */
export const COMPARISON_RULES = [
  'exact',
  'column_permutation',
  'both_empty',
  'tie_break',
  'superset',
  'row_count',
  'column_count',
  'column_values',
  'row_values',
  'row_order',
  'search_capped',
  'invalid_result',
  'timeout',
  'execution_error',
] as const;
export type ComparisonRule = (typeof COMPARISON_RULES)[number];
/** `reason` is for people; values in it are shown predicted first, then gold; rows are numbered from 1. */
export type ComparisonOutcome = { match: boolean; reason: string; rule: ComparisonRule };

export const DEFAULT_FLOAT_TOLERANCE = 1e-6;
export const ABSOLUTE_FLOAT_FLOOR = 1e-9;
export const DEFAULT_SEARCH_LIMIT = 10_000;

export type NormalizedValue =
  | { kind: 'null' }
  | { kind: 'number'; value: number }
  | { kind: 'bigint'; value: bigint }
  | { kind: 'time'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'bytes'; value: string }
  | { kind: 'json'; value: string };

const TOKEN_PREFIX = { number: 'n', bigint: 'i', time: 't', string: 's', bytes: 'x', json: 'j' } as const;
const DECIMAL = /^-?(?:0|[1-9]\d*)(\.\d+)?$/;
/** A month label ('2026-10', as strftime('%Y-%m') or to_char(d, 'YYYY-MM') print it) is its first day. */
const MONTH_LABEL = /^\d{4}-\d{2}$/;
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Maps a driver value to the form compared (see the file comment); `time` is in whole seconds since the epoch. */
export function normalizeValue(value: unknown): NormalizedValue {
  if (value === null || value === undefined) return { kind: 'null' };
  if (typeof value === 'boolean') return { kind: 'number', value: value ? 1 : 0 };
  if (typeof value === 'number') return fromNumber(value);
  if (typeof value === 'bigint') return fromBigint(value);
  if (typeof value === 'string') return fromString(value);
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms)
      ? { kind: 'string', value: 'Invalid Date' }
      : { kind: 'time', value: Math.floor(ms / 1000) };
  }
  if (value instanceof Uint8Array) return { kind: 'bytes', value: Buffer.from(value).toString('hex') };
  if (typeof value === 'object') return { kind: 'json', value: stableJson(value) };
  return { kind: 'string', value: String(value) };
}

function fromNumber(n: number): NormalizedValue {
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) return { kind: 'bigint', value: BigInt(n) };
  return { kind: 'number', value: n === 0 ? 0 : n };
}

function fromBigint(n: bigint): NormalizedValue {
  const asNumber = Number(n);
  return Number.isSafeInteger(asNumber) ? { kind: 'number', value: asNumber } : { kind: 'bigint', value: n };
}

function fromString(s: string): NormalizedValue {
  const decimal = DECIMAL.exec(s);
  if (decimal) return decimal[1] === undefined ? fromBigint(BigInt(s)) : fromNumber(Number(s));
  if (MONTH_LABEL.test(s) && isCalendarDate(`${s}-01`)) return fromString(`${s}-01`);
  const iso = ISO_INSTANT.exec(s);
  // Date.parse rolls 2026-02-30 over to March: accept only calendar dates that survive a round trip.
  if (iso && isCalendarDate(iso[1] ?? '')) {
    const zone = iso[3] ?? 'Z';
    const offset = zone === 'Z' || zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3) || '00'}`;
    const ms = Date.parse(`${iso[1]}T${iso[2] ?? '00:00'}${offset}`);
    if (!Number.isNaN(ms)) return { kind: 'time', value: Math.floor(ms / 1000) };
  }
  return { kind: 'string', value: s };
}

function isCalendarDate(day: string): boolean {
  const ms = Date.parse(`${day}T00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(`${day}T`);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(Number.isNaN(value.getTime()) ? null : value.toISOString());
  if (typeof value === 'bigint') return value.toString();
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Spider's rule for `ordered`: the gold SQL mentions ORDER BY anywhere (subqueries and window clauses too). */
export function goldIsOrdered(goldSql: string): boolean {
  return /\border\s+by\b/i.test(goldSql);
}

export function compareResults(predicted: ResultSet, gold: ResultSet, options: CompareOptions): ComparisonOutcome {
  const direct = compareOnce(predicted, gold, options);
  if (direct.match || !options.ties) return direct;
  const alternative = tieBrokenGold(predicted, gold, options.ties, options.floatTolerance ?? DEFAULT_FLOAT_TOLERANCE);
  if (!alternative) return direct;
  const retry = compareOnce(predicted, alternative.gold, options);
  if (!retry.match) return direct;
  return outcome(
    true,
    'tie_break',
    `a different valid choice among the ${alternative.tied} rows tied at the gold's LIMIT ${options.ties.limit} cut`,
  );
}

function compareOnce(predicted: ResultSet, gold: ResultSet, options: CompareOptions): ComparisonOutcome {
  const problem = invalidResult(predicted, 'predicted') ?? invalidResult(gold, 'gold');
  if (problem !== undefined) return outcome(false, 'invalid_result', problem);
  if (predicted.rows.length === 0 && gold.rows.length === 0) return outcome(true, 'both_empty', 'both are empty');
  const tolerance = options.floatTolerance ?? DEFAULT_FLOAT_TOLERANCE;
  if (!(tolerance >= 0 && tolerance < 1)) throw new RangeError(`floatTolerance must be in [0, 1), got ${tolerance}`);
  const [p, g] = prepare(predicted, gold, tolerance);
  if (p.keys.length !== g.keys.length && (options.mode !== 'bird' || p.keys.length === 0 || g.keys.length === 0)) {
    return rowCountOutcome(p.keys.length, g.keys.length, 'row count');
  }
  if (p.width > g.width && options.mode !== 'bird') return compareSuperset(p, g, options);
  if (p.width !== g.width) {
    const what = p.width > g.width ? 'an extra column' : 'a missing column';
    return outcome(
      false,
      'column_count',
      `columns differ: ${p.width} vs ${g.width} (predicted vs gold); ${what} is a mismatch, as in Spider`,
    );
  }
  if (options.mode === 'bird') return compareAsSets(p, g);
  return compareAsBags(p, g, options.ordered, options.searchLimit ?? DEFAULT_SEARCH_LIMIT);
}

/** Extra predicted columns (spider mode): a match, rule `superset`, when the gold columns are among them. */
function compareSuperset(p: Table, g: Table, options: CompareOptions): ComparisonOutcome {
  const search = findMapping(p, g, options.ordered, options.searchLimit ?? DEFAULT_SEARCH_LIMIT, true);
  const extra = p.width - g.width;
  if (search.kind === 'found') {
    const kept = new Set(search.mapping);
    const names = p.names.filter((_, i) => !kept.has(i)).map((n, i) => n || `#${i + 1}`);
    return outcome(true, 'superset', `the gold columns plus ${extra} extra column(s): ${names.join(', ')}`);
  }
  return outcome(
    false,
    'column_count',
    `columns differ: ${p.width} vs ${g.width} (predicted vs gold), and no ${g.width} of the predicted columns hold the gold result`,
  );
}

/**
 * The gold result with the rows tied at the LIMIT cut chosen the way the prediction chose them: the rows ranked
 * strictly before the tied group stay, the remaining places go to tied rows whose values (in any column order) the
 * prediction holds, in the prediction's order. Undefined when no tie crosses the cut.
 */
function tieBrokenGold(
  predicted: ResultSet,
  gold: ResultSet,
  ties: TieInfo,
  tolerance: number,
): { gold: ResultSet; tied: number } | undefined {
  const { full, keyColumns, limit } = ties;
  if (gold.rows.length !== limit || full.length <= limit || keyColumns.length === 0) return undefined;
  if (invalidResult(predicted, 'predicted') || invalidResult({ columns: gold.columns, rows: full }, 'gold')) {
    return undefined;
  }
  const [p, f] = prepare(predicted, { columns: gold.columns, rows: full }, tolerance);
  const keyOf = (r: number) => keyColumns.map((c) => cell(f, r, c)).join('');
  const cutKey = keyOf(limit - 1);
  const tied = full.flatMap((_, r) => (keyOf(r) === cutKey ? [r] : []));
  if (!tied.some((r) => r >= limit)) return undefined;
  const fixed = Array.from({ length: limit }, (_, r) => r).filter((r) => keyOf(r) !== cutKey);
  const wanted = limit - fixed.length;
  const available = new Map<string, number[]>();
  for (const r of tied) {
    const key = sortedRowKey(f.keys[r] ?? []);
    available.set(key, [...(available.get(key) ?? []), r]);
  }
  const chosen: number[] = [];
  for (const row of p.keys) {
    const r = available.get(sortedRowKey(row))?.shift();
    if (r !== undefined && chosen.length < wanted) chosen.push(r);
  }
  for (const r of tied) if (chosen.length < wanted && !chosen.includes(r)) chosen.push(r);
  const rows = [...fixed, ...chosen].map((r) => full[r] ?? []);
  return { gold: { columns: gold.columns, rows }, tied: tied.length };
}

/** Runs the predicted query; past `timeoutMs` aborts its signal and scores it `timeout`, a failure `execution_error`. */
export async function compareWithTimeout(
  run: (signal: AbortSignal) => Promise<ResultSet>,
  timeoutMs: number,
  gold: ResultSet,
  options: CompareOptions,
): Promise<ComparisonOutcome> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    const result = await Promise.race([run(controller.signal), expired]);
    if (result === 'timeout') return outcome(false, 'timeout', `predicted query did not finish within ${timeoutMs} ms`);
    return compareResults(result, gold, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return outcome(false, 'execution_error', `predicted query failed: ${truncate(message, 200)}`);
  } finally {
    clearTimeout(timer);
  }
}

export type AccuracySummary = {
  total: number;
  matched: number;
  /** matched / total, 0 when there are no outcomes. */
  accuracy: number;
  byRule: Partial<Record<ComparisonRule, number>>;
};

export function executionAccuracy(outcomes: readonly ComparisonOutcome[]): AccuracySummary {
  const byRule: Partial<Record<ComparisonRule, number>> = {};
  let matched = 0;
  for (const o of outcomes) {
    if (o.match) matched += 1;
    byRule[o.rule] = (byRule[o.rule] ?? 0) + 1;
  }
  return { total: outcomes.length, matched, accuracy: outcomes.length === 0 ? 0 : matched / outcomes.length, byRule };
}

/** A result ready to compare: `keys[row][column]` are JSON-encoded canonical tokens, equal iff the values are. */
type Table = { names: readonly string[]; width: number; raw: unknown[][]; keys: string[][] };
type Search =
  | { kind: 'found'; mapping: number[] }
  | { kind: 'capped' }
  | { kind: 'column_values'; column: number }
  | { kind: 'row_values' };

function outcome(match: boolean, rule: ComparisonRule, reason: string): ComparisonOutcome {
  return { match, rule, reason };
}

function invalidResult(result: ResultSet, side: string): string | undefined {
  if (!Array.isArray(result?.columns) || !Array.isArray(result?.rows)) return `${side} is not { columns, rows }`;
  const width = result.columns.length;
  const bad = result.rows.findIndex((row) => !Array.isArray(row) || row.length !== width);
  if (bad < 0) return undefined;
  const row = result.rows[bad];
  return `${side} row ${bad + 1} has ${Array.isArray(row) ? row.length : 'no'} values for ${width} columns`;
}

function rowCountOutcome(predicted: number, gold: number, what: string): ComparisonOutcome {
  if (predicted === 0) return outcome(false, 'row_count', `predicted is empty, gold has ${gold} rows`);
  if (gold === 0) return outcome(false, 'row_count', `gold is empty, predicted has ${predicted} rows`);
  return outcome(false, 'row_count', `${what} differs: ${predicted} vs ${gold} (predicted vs gold)`);
}

function prepare(predicted: ResultSet, gold: ResultSet, tolerance: number): [Table, Table] {
  const normalized = [predicted, gold].map((r) => r.rows.map((row) => row.map(normalizeValue)));
  const finite = (rows: NormalizedValue[][] | undefined) =>
    (rows ?? []).flat().flatMap((v) => (v.kind === 'number' && Number.isFinite(v.value) ? [v.value] : []));
  // Gold numbers equal up to floating-point noise share one token; a predicted number takes the token of the
  // nearest gold number it equals under that gold number's tolerance (`numbersEqual`), else its own.
  const goldClusters = tolerance > 0 ? numberClusters(finite(normalized[1]), 1e-12) : new Map<number, number>();
  const scales = goldScales(gold);
  const goldValues = [...goldClusters.keys()].sort((a, b) => a - b);
  const predictedTokens = new Map<number, number>();
  if (tolerance > 0) {
    for (const v of new Set(finite(normalized[0]))) {
      const match = nearestEqual(v, goldValues, (g) => numbersEqual(v, g, scales.get(g) ?? scaleOf(g), tolerance));
      if (match !== undefined) predictedTokens.set(v, goldClusters.get(match) ?? match);
    }
  }
  const token =
    (side: number) =>
    (v: NormalizedValue): string => {
      if (v.kind === 'null') return '"z"';
      const mapped = v.kind === 'number' ? (side === 0 ? predictedTokens : goldClusters).get(v.value) : undefined;
      const text = v.kind === 'number' ? String(mapped ?? v.value) : String(v.value);
      return JSON.stringify(`${TOKEN_PREFIX[v.kind]}${text}`);
    };
  const table = (r: ResultSet, i: number): Table => ({
    names: r.columns,
    width: r.columns.length,
    raw: r.rows,
    keys: (normalized[i] ?? []).map((row) => row.map(token(i))),
  });
  return [table(predicted, 0), table(gold, 1)];
}

/** Decimal places a gold number is written with: a DECIMAL string's own scale ('10.50' is 2), else `scaleOf`. */
function goldScales(gold: ResultSet): Map<number, number> {
  const scales = new Map<number, number>();
  for (const row of gold.rows) {
    for (const raw of row) {
      if (typeof raw !== 'string') continue;
      const fraction = DECIMAL.exec(raw)?.[1];
      if (fraction !== undefined) scales.set(Number(raw), Math.max(scales.get(Number(raw)) ?? 0, fraction.length - 1));
    }
  }
  return scales;
}

/** Decimal places of a float once floating-point noise is ignored: 11833295.690000001 has 2, 42.9234 has 4. */
export function scaleOf(value: number): number {
  for (let d = 0; d <= 15; d++) {
    const rounded = Number(value.toFixed(d));
    if (Math.abs(rounded - value) <= 1e-12 * Math.max(1, Math.abs(value))) return d;
  }
  return 16;
}

/** Gold values with up to this many decimals are read as rounded figures (money, percentages, rounded ratios). */
export const ROUNDED_SCALE_MAX = 4;

/**
 * Asymmetric numeric equality, predicted vs gold (see the file comment): a gold written with 1..4 decimals is matched
 * by any value that rounds to it (42.9234 for 42.92, not 42.92 for 42.9234; 11,833,285.00 is not 11,833,295.69); an
 * integer gold by a value within the relative tolerance and below half a unit (1,000,000.9 is not 1,000,000); a gold
 * with more decimals (a computed float) by a value within the relative tolerance.
 */
export function numbersEqual(predicted: number, gold: number, goldScale: number, tolerance: number): boolean {
  const diff = Math.abs(predicted - gold);
  const noise = ABSOLUTE_FLOAT_FLOOR + 1e-12 * Math.abs(gold);
  if (tolerance === 0) return predicted === gold;
  if (diff <= noise) return true;
  if (goldScale > 0 && goldScale <= ROUNDED_SCALE_MAX) return diff <= 0.5 * 10 ** -goldScale + noise;
  const relative = tolerance * Math.max(Math.abs(predicted), Math.abs(gold));
  return diff <= (goldScale === 0 ? Math.min(relative, 0.5 - noise) : relative);
}

/** The gold value nearest to `v` among those `equal` accepts (sorted `values`; looks at two neighbours each side). */
function nearestEqual(v: number, values: number[], equal: (g: number) => boolean): number | undefined {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((values[mid] ?? 0) < v) lo = mid + 1;
    else hi = mid;
  }
  const near = [lo - 2, lo - 1, lo, lo + 1].flatMap((i) => (values[i] === undefined ? [] : [values[i] as number]));
  const ok = near.filter(equal).sort((a, b) => Math.abs(a - v) - Math.abs(b - v));
  return ok[0];
}

/** Maps each number to the first value of its cluster (see the file comment). */
function numberClusters(values: number[], tolerance: number): Map<number, number> {
  const representative = new Map<number, number>();
  let head = Number.NaN;
  let previous = Number.NaN;
  let holdsInteger = false;
  for (const v of [...new Set(values)].sort((a, b) => a - b)) {
    const near =
      Math.abs(v - previous) <= Math.max(tolerance * Math.max(Math.abs(v), Math.abs(previous)), ABSOLUTE_FLOAT_FLOOR);
    if (!near || (holdsInteger && Number.isInteger(v))) {
      head = v;
      holdsInteger = false;
    }
    holdsInteger ||= Number.isInteger(v);
    representative.set(v, head);
    previous = v;
  }
  return representative;
}

function compareAsSets(p: Table, g: Table): ComparisonOutcome {
  const ps = distinctRows(p);
  const gs = distinctRows(g);
  if (ps.keys.length !== gs.keys.length) return rowCountOutcome(ps.keys.length, gs.keys.length, 'distinct row count');
  const identity = Array.from({ length: g.width }, (_, j) => j);
  if (sameCounts(countBy(ps.keys.map(rowKey)), countBy(gs.keys.map(rowKey)))) {
    return outcome(true, 'exact', 'same set of rows (BIRD: duplicates and order ignored)');
  }
  return outcome(false, 'row_values', unmatchedRows(ps, gs, identity, false));
}

function compareAsBags(p: Table, g: Table, ordered: boolean, limit: number): ComparisonOutcome {
  const search = findMapping(p, g, ordered, limit);
  if (search.kind === 'found') {
    const moved = search.mapping.flatMap((i, j) =>
      i === j ? [] : [`${columnName(g, j)} <- predicted column ${i + 1}`],
    );
    if (moved.length === 0) return outcome(true, 'exact', ordered ? 'same rows in the same order' : 'same rows');
    return outcome(true, 'column_permutation', `same rows once predicted columns are reordered: ${moved.join(', ')}`);
  }
  const loose = ordered ? findMapping(p, g, false, limit) : search;
  if (loose.kind === 'found') {
    const where = positionalDifference(p, g, loose.mapping);
    return outcome(false, 'row_order', `same rows in a different order, and the gold query orders them; ${where}`);
  }
  if (loose.kind === 'capped') {
    return outcome(
      false,
      'search_capped',
      `column mapping search capped after ${limit} candidates, counted as a mismatch`,
    );
  }
  const mapping = assignColumns(columnSignatures(p, false), columnSignatures(g, false));
  const where = ordered ? positionalDifference(p, g, mapping) : unmatchedRows(p, g, mapping, true);
  if (loose.kind === 'column_values') {
    const name = columnName(g, loose.column);
    return outcome(false, 'column_values', `no predicted column holds the values of gold column ${name}; ${where}`);
  }
  return outcome(false, 'row_values', `columns hold the same values but rows differ; ${where}`);
}

function findMapping(p: Table, g: Table, ordered: boolean, limit: number, allowExtra = false): Search {
  const sigP = columnSignatures(p, ordered);
  const sigG = columnSignatures(g, ordered);
  const pool = countBy(sigP);
  for (const [j, sig] of sigG.entries()) {
    const left = pool.get(sig) ?? 0;
    if (left === 0) return { kind: 'column_values', column: j };
    pool.set(sig, left - 1);
  }
  // Ordered: each gold column needs a predicted column with the very same sequence; any such assignment works.
  if (ordered) return { kind: 'found', mapping: assignColumns(sigP, sigG) };
  // Spider's quick rejection: rows with their values sorted must be the same multiset whatever the mapping.
  const quick = allowExtra || sameCounts(countBy(p.keys.map(sortedRowKey)), countBy(g.keys.map(sortedRowKey)));
  if (!quick) return { kind: 'row_values' };
  return searchMapping(p, g, sigP, sigG, limit);
}

function searchMapping(p: Table, g: Table, sigP: string[], sigG: string[], limit: number): Search {
  const width = g.width;
  const contents = columnSignatures(p, true);
  const groupSize = (j: number) => sigP.filter((s) => s === sigG[j]).length;
  const order = Array.from({ length: width }, (_, j) => j).sort((a, b) => groupSize(a) - groupSize(b) || a - b);
  const goldPrefixes: Map<string, number>[] = [];
  let prefix = g.keys.map(() => '');
  for (const j of order) {
    prefix = prefix.map((key, r) => key + cell(g, r, j));
    goldPrefixes.push(countBy(prefix));
  }
  const mapping = new Array<number>(width).fill(-1);
  const used = new Array<boolean>(p.width).fill(false);
  let tried = 0;
  const visit = (depth: number, keys: string[]): 'found' | 'capped' | 'none' => {
    const j = order[depth];
    if (j === undefined) return 'found';
    const seen = new Set<string>();
    const candidates = [j, ...sigP.keys()].filter((i, n) => (n === 0 || i !== j) && !used[i] && sigP[i] === sigG[j]);
    for (const i of candidates) {
      if (seen.has(contents[i] ?? '')) continue; // a column identical to one already tried here fails the same way
      seen.add(contents[i] ?? '');
      tried += 1;
      if (tried > limit) return 'capped';
      const next = keys.map((key, r) => key + cell(p, r, i));
      if (depth > 0 && !sameCounts(countBy(next), goldPrefixes[depth] ?? new Map())) continue;
      mapping[j] = i;
      used[i] = true;
      const result = visit(depth + 1, next);
      if (result !== 'none') return result;
      used[i] = false;
    }
    return 'none';
  };
  const result = visit(0, new Array<string>(p.keys.length).fill(''));
  return result === 'found' ? { kind: 'found', mapping } : { kind: result === 'capped' ? 'capped' : 'row_values' };
}

/** Gold column j -> predicted column: same index when signatures agree, else the first free one with the same. */
function assignColumns(sigP: string[], sigG: string[]): number[] {
  const mapping = sigG.map((sig, j) => (sigP[j] === sig ? j : -1));
  const used = new Set(mapping.filter((i) => i >= 0));
  const take = (j: number, accept: (i: number) => boolean) => {
    const i = sigP.findIndex((_, k) => !used.has(k) && accept(k));
    if (i >= 0) {
      mapping[j] = i;
      used.add(i);
    }
  };
  for (const j of mapping.keys()) if (mapping[j] === -1) take(j, (i) => sigP[i] === sigG[j]);
  for (const j of mapping.keys()) if (mapping[j] === -1) take(j, (i) => i === j);
  for (const j of mapping.keys()) if (mapping[j] === -1) take(j, () => true);
  return mapping;
}

function positionalDifference(p: Table, g: Table, mapping: number[]): string {
  for (const [r, row] of g.keys.entries()) {
    const j = row.findIndex((key, c) => p.keys[r]?.[mapping[c] ?? c] !== key);
    if (j >= 0) return `row ${r + 1} ${cellDifference(p, r, g, r, j, mapping)}`;
  }
  return 'no single differing cell';
}

/**
 * Explains a row mismatch: names the column when exactly one row differs under `mapping`; otherwise, with
 * `anyColumnOrder`, cites a gold row whose values appear in no predicted row in any order, which holds whatever the
 * mapping; else a gold row with no equal predicted row under `mapping`.
 */
function unmatchedRows(p: Table, g: Table, mapping: number[], anyColumnOrder: boolean): string {
  const mapped = p.keys.map((row) => mapping.map((i) => row[i] ?? '').join(''));
  const [missing, extra] = multisetDifference(g.keys.map(rowKey), mapped);
  const [gr, pr] = [missing[0], extra[0]];
  if (gr === undefined) return 'no single differing row';
  if (missing.length === 1 && pr !== undefined && extra.length === 1) {
    const j = mapping.findIndex((i, c) => p.keys[pr]?.[i] !== g.keys[gr]?.[c]);
    return `gold row ${gr + 1} ${cellDifference(p, pr, g, gr, j, mapping)}`;
  }
  const [bagMissing] = anyColumnOrder ? multisetDifference(g.keys.map(sortedRowKey), p.keys.map(sortedRowKey)) : [[]];
  const [r, how] =
    bagMissing[0] === undefined
      ? [gr, 'no equal predicted row']
      : [bagMissing[0], 'no predicted row with the same values in any column order'];
  const count = bagMissing[0] === undefined ? missing.length : bagMissing.length;
  const shown = (g.raw[r] ?? []).map((v) => show(v)).join(', ');
  return `${count} gold row(s) have ${how}, e.g. row ${r + 1} (${truncate(shown, 120)})`;
}

/** Indexes of `a` left over after removing `b` from it, and of `b` left over after removing `a`. */
function multisetDifference(a: string[], b: string[]): [number[], number[]] {
  const left = countBy(b);
  const onlyA = a.flatMap((key, i) => {
    const n = left.get(key) ?? 0;
    left.set(key, n - 1);
    return n > 0 ? [] : [i];
  });
  const onlyB = b.flatMap((key, i) => {
    const n = left.get(key) ?? 0;
    left.set(key, n - 1);
    return n > 0 ? [i] : [];
  });
  return [onlyA, onlyB];
}

function cellDifference(p: Table, pr: number, g: Table, gr: number, j: number, mapping: number[]): string {
  const predicted = valueAt(p, pr, mapping[j] ?? j);
  return `differs in column ${columnName(g, j)}: ${predicted} vs ${valueAt(g, gr, j)} (predicted vs gold)`;
}

function distinctRows(t: Table): Table {
  const seen = new Set<string>();
  const keep = t.keys.flatMap((row, r) => {
    const key = rowKey(row);
    if (seen.has(key)) return [];
    seen.add(key);
    return [r];
  });
  return { ...t, raw: keep.map((r) => t.raw[r] ?? []), keys: keep.map((r) => t.keys[r] ?? []) };
}

function columnSignatures(t: Table, ordered: boolean): string[] {
  return Array.from({ length: t.width }, (_, c) => {
    const column = t.keys.map((row) => row[c] ?? '');
    return (ordered ? column : column.sort()).join('');
  });
}

const cell = (t: Table, r: number, c: number): string => t.keys[r]?.[c] ?? '';
const rowKey = (row: string[]): string => row.join('');
const sortedRowKey = (row: string[]): string => [...row].sort().join('');

function countBy(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

function sameCounts(a: Map<string, number>, b: Map<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, n] of a) if (b.get(key) !== n) return false;
  return true;
}

function columnName(t: Table, c: number): string {
  return t.names[c] ? t.names[c] : `#${c + 1}`;
}

function valueAt(t: Table, r: number, c: number): string {
  return show(t.raw[r]?.[c]);
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return truncate(JSON.stringify(value), 60);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Uint8Array) return truncate(`0x${Buffer.from(value).toString('hex')}`, 60);
  if (typeof value === 'object') return truncate(stableJson(value), 60);
  return truncate(String(value), 60);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
