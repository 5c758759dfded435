/**
 * Golden cassette files people can review: one YAML file per question, `<case id>.yaml`, holding a readable summary
 * (which tier answered, the SQL the model ran, a summary of the last result, the final answer) above the recorded
 * model turns the replay serves. The text is a pure function of the run: the summary's keys in a fixed order, the
 * recorded turns in the order the model produced them (the replay hashes them as they were, so their keys are never
 * reordered), numbers as JavaScript prints them, no timestamps, durations or random ids, no line folding; re-recording an unchanged run changes no byte, and a
 * pull request's diff shows what changed in the answers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type Cassette, type InvestigationEvent, parseCassette } from '../../src/agent/index.js';

export interface CassetteSummary {
  tier: 'faq' | 'agent';
  /** Each statement the model (or the FAQ tier) ran, in order. */
  sql: string[];
  /** The last result: "3 rows x 2 columns (region, revenue)" and its first rows. */
  result?: { shape: string; firstRows: string[] };
  answer?: string;
  outcome?: string;
}

export function cassetteFilePath(dir: string, id: string): string {
  return join(dir, `${id}.yaml`);
}

const show = (v: unknown): string => {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? 'null';
};

export function summarizeEvents(events: readonly InvestigationEvent[], tier: 'faq' | 'agent'): CassetteSummary {
  const summary: CassetteSummary = { tier, sql: [] };
  for (const e of events) {
    if (e.type === 'sql') summary.sql.push(e.sql.trim());
    if (e.type === 'sql_result') {
      const columns = e.columns.map((c) => (typeof c === 'string' ? c : c.name));
      summary.result = {
        shape: `${e.rowCount} row(s) x ${columns.length} column(s) (${columns.join(', ')})${e.truncated ? ', truncated' : ''}`,
        firstRows: e.rows.slice(0, 5).map((row) => (row as unknown[]).map(show).join(', ')),
      };
    }
    if (e.type === 'done') {
      summary.answer = e.answer.text;
      if (e.answer.outcome) summary.outcome = e.answer.outcome;
    }
  }
  return summary;
}

/** The file text: the summary first, then the cassette; block scalars for multi-line text, no folding. */
export function cassetteFileText(summary: CassetteSummary, cassette: Cassette): string {
  const ordered = {
    tier: summary.tier,
    sql: summary.sql,
    ...(summary.result ? { result: summary.result } : {}),
    ...(summary.answer !== undefined ? { answer: summary.answer } : {}),
    ...(summary.outcome ? { outcome: summary.outcome } : {}),
  };
  const plain = JSON.parse(JSON.stringify({ summary: ordered, cassette })) as unknown;
  // every style choice explicit, so the bytes do not depend on the yaml library's defaults
  return stringify(plain, {
    lineWidth: 0,
    minContentWidth: 0,
    indent: 2,
    indentSeq: true,
    singleQuote: false,
    blockQuote: 'literal',
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
    doubleQuotedAsJSON: true,
    sortMapEntries: false,
  });
}

export function readCassetteFile(path: string): Cassette {
  const parsed = parse(readFileSync(path, 'utf8')) as { cassette?: unknown } | null;
  return parseCassette(JSON.stringify(parsed?.cassette ?? null), path);
}
