/**
 * Masking query results and text. Threat model: whatever Sleuth posts or returns (Slack, CLI, API, MCP, recorded
 * events) and, unless configured otherwise, what the model sees, must not carry personal data in the clear. Per
 * result column, in order:
 *   1. an admin's not-sensitive rule for the column: shown as is (a silenced false positive);
 *   2. an admin's sensitive rule: every value masked;
 *   3. a column name that says what it holds (`email`, `phone_number`, `ssn`...): values that fit the kind masked,
 *      the rest scanned like any text;
 *   4. everything else: text values scanned, and each detected value (email, phone, card, IBAN, national id, IP,
 *      token) masked in place, so a support ticket body keeps its words and loses the phone number in it.
 * When a statement reads a sensitive column and renames or transforms it (`upper(name) AS who`), every text result
 * column that is not a plain column of the statement is masked too (when the rule names a kind: the values that still
 * look like it, so an email's domain stays visible); numbers (counts, sums) are kept.
 * Numbers are only masked under rules 2 and 3: scanning every integer for card numbers would mask ids.
 */
import { esDniValid, ipv4Valid, ipv6Valid } from './checks.js';
import { classifyValue, findPii, mayContainPii } from './detect.js';
import type { PiiKind } from './kinds.js';
import { FULL_MASK, maskAs } from './mask.js';
import { kindFromColumnName } from './names.js';
import {
  type ColumnRule,
  exemptionFor,
  hiddenSensitiveReads,
  NO_RULES,
  type PiiRules,
  type ReadScope,
  sensitiveRuleFor,
} from './rules.js';

/** What the model sees of query results: masked values (default) or the raw values. */
export type ModelView = 'masked' | 'raw';

/** The shape of anything with result rows (QueryResult, a sql_result event, an FAQ result). */
export interface RowSet {
  readonly columns: readonly { readonly name: string }[];
  readonly rows: readonly (readonly unknown[])[];
}

export interface PiiMaskerOptions {
  rules?: PiiRules;
  modelView?: ModelView;
}

export interface PiiMasker {
  readonly modelView: ModelView;
  readonly rules: PiiRules;
  /** The result with personal data masked (a new object; the input is not changed). */
  maskResult<T extends RowSet>(result: T, scope?: ReadScope): T;
  /** Free text (answers, messages) with every detected value masked in place. */
  maskText(text: string): string;
  /** One investigation's masking: remembers the raw values it masked, so a model echoing one is masked too. */
  session(): PiiSession;
}

export interface PiiSession {
  /** For people: always masked. */
  forPeople<T extends RowSet>(result: T, scope?: ReadScope): T;
  /** For the model: masked, or raw when the model view is `raw`. */
  forModel<T extends RowSet>(result: T, scope?: ReadScope): T;
  /** Text for people: detected values and any raw value masked earlier in this session. */
  text(text: string): string;
  /** How many values were masked so far. */
  readonly maskedValues: number;
}

type Plan =
  | { mode: 'keep' }
  | { mode: 'scan' }
  | { mode: 'rule'; kind: PiiKind | undefined }
  | { mode: 'name'; kind: PiiKind }
  | { mode: 'hidden'; kind: PiiKind | undefined };

const MAX_REMEMBERED = 10_000;
const BINARY_TEXT = new TextDecoder('utf-8', { fatal: false });

/** A cell as text for detection and masking. */
function cellString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return '';
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}

const digits = (s: string) => s.replace(/\D/g, '').length;
const alnum = (s: string) => s.replace(/[^A-Za-z0-9]/g, '').length;

/** Whether a value in a column named for `kind` looks like one (so `email_verified: true` is not masked). */
export function fitsKind(kind: PiiKind, text: string, raw: unknown): boolean {
  if (raw === null || raw === undefined || typeof raw === 'boolean' || text === '') return false;
  switch (kind) {
    case 'email':
      return text.includes('@');
    case 'phone':
      return digits(text) >= 7 && digits(text) <= 20 && text.replace(/[^A-Za-z]/g, '').length <= 3;
    case 'card':
      return digits(text) >= 12 && digits(text) <= 19 && /^[\d\s-]+$/.test(text.trim());
    case 'iban':
    case 'bank_account':
      return alnum(text) >= 8 && /\d/.test(text);
    case 'us_ssn':
    case 'uk_nino':
    case 'es_dni':
    case 'national_id':
      return alnum(text) >= 4 && /\d/.test(text);
    case 'ipv4':
    case 'ipv6': {
      const address = text.trim().split('/')[0] ?? '';
      return ipv4Valid(address) || ipv6Valid(address);
    }
    case 'person_name':
      return typeof raw === 'string' && /\p{L}/u.test(text);
    case 'birth_date':
      return raw instanceof Date || /\b(1[89]|20)\d\d\b/.test(text);
    case 'address':
      return typeof raw === 'string' && /[\p{L}\d]/u.test(text);
    case 'secret':
    case 'sensitive':
      return true;
  }
}

/** The mask of a whole value known to be sensitive: its own kind when detectable, else the given kind. */
function maskWhole(kind: PiiKind | undefined, text: string): string {
  if (kind !== undefined && kind !== 'sensitive' && kind !== 'national_id') return maskAs(kind, text);
  const detected = classifyValue(text);
  if (kind === undefined || kind === 'sensitive') return detected ? maskAs(detected, text) : FULL_MASK;
  if (kind === 'national_id' && detected && detected !== 'phone') return maskAs(detected, text);
  if (kind === 'national_id' && esDniValid(text.replace(/[\s-]/g, ''))) return maskAs('es_dni', text);
  return maskAs(kind, text);
}

export function createPiiMasker(options: PiiMaskerOptions = {}): PiiMasker {
  const rules = options.rules ?? NO_RULES;
  const modelView = options.modelView ?? 'masked';

  function maskText(text: string, remember?: (raw: string, masked: string) => void): string {
    if (!mayContainPii(text)) return text;
    const matches = findPii(text);
    if (matches.length === 0) return text;
    let out = '';
    let at = 0;
    for (const m of matches) {
      const masked = maskAs(m.kind, m.value);
      remember?.(m.value, masked);
      out += text.slice(at, m.start) + masked;
      at = m.end;
    }
    return out + text.slice(at);
  }

  function plan(columns: readonly { name: string }[], scope: ReadScope | undefined): Plan[] {
    const names = columns.map((c) => c.name);
    const hidden = hiddenSensitiveReads(rules, scope, names);
    const plain = new Set((scope?.columns ?? []).map((c) => c.column.toLowerCase()).filter((c) => c !== '*'));
    return names.map((name): Plan => {
      if (exemptionFor(rules, name, scope)) return { mode: 'keep' };
      const rule: ColumnRule | undefined = sensitiveRuleFor(rules, name, scope);
      if (rule) return { mode: 'rule', kind: rule.kind };
      const kind = kindFromColumnName(name);
      if (kind) return { mode: 'name', kind };
      if (hidden.length > 0 && !plain.has(name.toLowerCase())) {
        return { mode: 'hidden', kind: hidden.length === 1 ? hidden[0]!.kind : undefined };
      }
      return { mode: 'scan' };
    });
  }

  function maskCell(raw: unknown, p: Plan, remember?: (raw: string, masked: string) => void): unknown {
    if (raw === null || raw === undefined || p.mode === 'keep') return raw;
    // bytes (MariaDB `BINARY email`, a BLOB holding text) are judged as the text they decode to: masked when the
    // text is, kept as bytes otherwise
    if (raw instanceof Uint8Array) {
      const text = BINARY_TEXT.decode(raw);
      const masked = maskCell(text, p, remember);
      return masked === text ? raw : masked;
    }
    const value = raw;
    const record = (raw: string, masked: string) => {
      if (masked !== raw) remember?.(raw, masked);
      return masked;
    };
    switch (p.mode) {
      case 'rule':
        return record(cellString(value), maskWhole(p.kind, cellString(value)));
      case 'hidden': {
        if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return value;
        const text = cellString(value);
        // a value derived from the column that no longer looks like its kind (an email's domain) is scanned instead
        if (p.kind && p.kind !== 'sensitive' && !fitsKind(p.kind, text, value)) {
          return typeof value === 'string' ? maskText(value, remember) : value;
        }
        return record(text, maskWhole(p.kind, text));
      }
      case 'name': {
        const text = cellString(value);
        if (fitsKind(p.kind, text, value)) return record(text, maskWhole(p.kind, text));
        return typeof value === 'string' ? maskText(value, remember) : value;
      }
      case 'scan': {
        if (typeof value === 'string') return maskText(value, remember);
        if (typeof value !== 'object' || value instanceof Date || value instanceof Uint8Array) return value;
        const json = cellString(value);
        const masked = maskText(json, remember);
        return masked === json ? value : masked;
      }
    }
  }

  function maskRows<T extends RowSet>(
    result: T,
    scope: ReadScope | undefined,
    remember?: (raw: string, masked: string) => void,
  ): T {
    const plans = plan(result.columns, scope);
    const columns = result.columns.map((c) => {
      const name = maskText(c.name);
      return name === c.name ? c : { ...c, name };
    });
    if (plans.every((p) => p.mode === 'keep')) return { ...result, columns } as T;
    const rows = result.rows.map((row) =>
      row.map((value, i) => maskCell(value, plans[i] ?? { mode: 'scan' }, remember)),
    );
    return { ...result, columns, rows } as T;
  }

  return {
    modelView,
    rules,
    maskResult: (result, scope) => maskRows(result, scope),
    maskText: (text) => maskText(text),
    session() {
      const remembered = new Map<string, string>();
      let count = 0;
      const remember = (raw: string, masked: string) => {
        count++;
        const key = raw.trim();
        if (key.length >= 4 && key.length <= 200 && remembered.size < MAX_REMEMBERED) remembered.set(key, masked);
      };
      const people = new WeakMap<object, RowSet>();
      const forPeople = <T extends RowSet>(result: T, scope?: ReadScope): T => {
        const cached = people.get(result);
        if (cached) return cached as T;
        const masked = maskRows(result, scope, remember);
        people.set(result, masked);
        return masked;
      };
      return {
        forPeople,
        forModel: (result, scope) => (modelView === 'raw' ? result : forPeople(result, scope)),
        text(text) {
          let out = maskText(text, remember);
          if (remembered.size === 0) return out;
          for (const [raw, masked] of remembered) if (out.includes(raw)) out = out.split(raw).join(masked);
          return out;
        },
        get maskedValues() {
          return count;
        },
      };
    },
  };
}
