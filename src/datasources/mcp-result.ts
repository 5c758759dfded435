/**
 * Reads a SQL tool's answer from an external MCP server into our result shape. Servers answer with JSON text:
 * server-postgres with an array of row objects, dbhub with `{success, data: {rows, count}}` (errors as
 * `{success: false, error, code}` with isError), others with `{rows}` or `{columns, rows}`, sometimes wrapped in
 * prose (the JSON is then taken from the first bracket to the last). The data is untrusted: it is only parsed as
 * JSON, never evaluated, and error text from the server is redacted and shortened.
 */
import { redactSecrets } from '../common/redact.js';
import { sqlError } from '../sql/dialects/errors.js';
import type { ResultColumn } from '../sql/types.js';

export interface McpToolResult {
  isError: boolean;
  /** The text content blocks, joined. */
  text: string;
  /** The tool's structuredContent, when it sent one. */
  structured?: unknown;
}

const MAX_ERROR_CHARS = 1_000;

export function parseToolRows(result: McpToolResult, server: string): { columns: ResultColumn[]; rows: unknown[][] } {
  if (result.isError) throw sqlError(errorMessage(result.text));
  const payload = result.structured ?? parseJsonLoose(result.text, server);
  const table = tableOf(payload, 0);
  if (!table) {
    throw sqlError(`the MCP server "${server}" answered with something that is not a result set.`);
  }
  return table;
}

function tableOf(payload: unknown, depth: number): { columns: ResultColumn[]; rows: unknown[][] } | undefined {
  if (depth > 3) return undefined;
  if (Array.isArray(payload)) return fromRowArray(payload);
  if (payload === null || typeof payload !== 'object') return undefined;
  const object = payload as Record<string, unknown>;
  if (object.success === false) throw sqlError(errorMessage(JSON.stringify(object)));
  if (Array.isArray(object.columns) && Array.isArray(object.rows) && object.rows.every(Array.isArray)) {
    const columns = object.columns.map((c) => ({
      name: typeof c === 'string' ? c : String((c as { name?: unknown })?.name ?? ''),
      type: 'unknown',
    }));
    return { columns, rows: object.rows.map((r) => [...(r as unknown[])]) };
  }
  for (const key of ['rows', 'data', 'result', 'results']) {
    if (key in object) {
      const inner = tableOf(object[key], depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Rows as objects: the columns are the keys in order of first appearance (types are unknown over JSON). */
function fromRowArray(rows: unknown[]): { columns: ResultColumn[]; rows: unknown[][] } | undefined {
  if (!rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r))) return undefined;
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows as Record<string, unknown>[]) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        names.push(key);
      }
    }
  }
  return {
    columns: names.map((name) => ({ name, type: 'unknown' })),
    rows: (rows as Record<string, unknown>[]).map((row) => names.map((n) => (n in row ? row[n] : null))),
  };
}

function parseJsonLoose(text: string, server: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const start = text.search(/[[{]/);
    const end = Math.max(text.lastIndexOf(']'), text.lastIndexOf('}'));
    if (start >= 0 && end > start) {
      try {
        return JSON.parse(text.slice(start, end + 1));
      } catch {
        // fall through
      }
    }
    throw sqlError(`the MCP server "${server}" did not answer with JSON rows.`);
  }
}

/** The server's own error message (it helps fix the query): `error`/`message` from a JSON body, else the text. */
function errorMessage(text: string): string {
  let message = text;
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    const inner = body.error ?? body.message;
    if (typeof inner === 'string') message = inner;
    else if (inner && typeof inner === 'object' && typeof (inner as { message?: unknown }).message === 'string') {
      message = (inner as { message: string }).message;
    }
  } catch {
    // plain text
  }
  const clean = redactSecrets(message.replace(/^MCP error -?\d+:\s*/, '').trim());
  return clean.length > MAX_ERROR_CHARS ? `${clean.slice(0, MAX_ERROR_CHARS)}...` : clean || 'unknown error';
}
