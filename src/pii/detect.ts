/**
 * Finding personal data in text by shape. Each detector is a candidate pattern plus a validation (checksum,
 * structure, context); the candidate patterns refuse to start or end inside a longer token, so an order number,
 * a date, a price, a UUID, a version string or a timestamp is not cut into a "phone number". Overlapping
 * candidates are resolved longest first, then by kind priority (an email beats the phone-like digits inside it).
 *
 * Precision over recall where the two conflict: a bare 10-digit number is not called a phone number, a 9-digit
 * number is not called an SSN (separators are required in free text); a column named `phone` or `ssn` loosens this
 * (see names.ts and masker.ts).
 */
import { SECRET_SHAPES } from '../common/redact.js';
import {
  cardValid,
  esDniValid,
  IBAN_LENGTHS,
  ibanValid,
  ipv4Valid,
  ipv6Valid,
  ukNinoValid,
  usSsnValid,
} from './checks.js';
import type { ValueKind } from './kinds.js';

export interface PiiMatch {
  kind: ValueKind;
  start: number;
  end: number;
  /** The matched text. */
  value: string;
}

type Detector = (text: string, out: PiiMatch[]) => void;

const PRIORITY: Record<ValueKind, number> = {
  secret: 0,
  email: 1,
  iban: 2,
  card: 3,
  us_ssn: 4,
  uk_nino: 5,
  es_dni: 6,
  ipv6: 7,
  ipv4: 8,
  phone: 9,
};

function push(out: PiiMatch[], kind: ValueKind, text: string, start: number, end: number): void {
  if ((kind === 'phone' || kind === 'us_ssn' || kind === 'card') && codeBefore(text, start)) return;
  out.push({ kind, start, end, value: text.slice(start, end) });
}

function each(pattern: RegExp, text: string, fn: (m: RegExpExecArray) => void): void {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    fn(m);
    if (m[0].length === 0) pattern.lastIndex++;
  }
}

const digitCount = (s: string) => s.replace(/\D/g, '').length;

/** A word right before a number that says it is a product or document code, not a phone, SSN or card. */
const CODE_CONTEXT =
  /\b(?:sku|part|item|order|invoice|serial|model|tracking|isbn|ean|upc|batch|lot)(?:\s*(?:no\.?|number|#))?\s*[:#]?\s*$/i;
const codeBefore = (text: string, start: number) => CODE_CONTEXT.test(text.slice(Math.max(0, start - 24), start));

const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g;

const email: Detector = (text, out) =>
  each(EMAIL, text, (m) => {
    const local = m[0].slice(0, m[0].indexOf('@'));
    if (local.endsWith('.') || local.includes('..')) return;
    push(out, 'email', text, m.index, m.index + m[0].length);
  });

// +CC (or 00CC) and 7-16 more digits, with spaces, dots, dashes or parentheses between them
const PHONE_INTL = /(?<![\w+*.-])(?<!\d[ .-])(?:\+\d|00[1-9](?=\d{0,2}[ .\-(]))(?:[ .\-()]{0,2}\d){6,16}(?!\w|[.,]\d)/g;
// North American: (415) 555-0132, 415-555-0132, 415.555.0132, 1-800-555-0199
const PHONE_NANP =
  /(?<![\w+*.-])(?<!\d[ .])(?:1[ .-])?(?:\((\d{3})\) ?|(\d{3})([ .-]))(\d{3})([ .-])\d{4}(?!\w|[.-]\d)/g;
// national with a trunk 0: 020 7946 0958, 07700 900123, 030 1234567, 01 23 45 67 89, (020) 7946 0958
const PHONE_TRUNK =
  /(?<![\w+*./-])(?<!\d[ .])(?:\(0\d{1,4}\) ?\d{3,4}[ -]?\d{3,4}|0\d{1,4}(?:([ -])\d{2,8})(?:\1\d{2,8}){0,3}|0\d(?:\.\d{2}){4})(?![\w/]|[.,-]\d)/g;

const phone: Detector = (text, out) => {
  each(PHONE_INTL, text, (m) => {
    // E.164 has at most 15 digits: more means the next number was swallowed, so give back whole trailing groups
    let value = m[0];
    while (digitCount(value) > 15 && /[ .-]/.test(value)) value = value.replace(/[ .-]+\d+$/, '');
    const digits = digitCount(value);
    if (digits < 8 || digits > 15) return;
    if (/[()]/.test(value) && (value.split('(').length !== value.split(')').length || /\)\s*\(/.test(value))) return;
    push(out, 'phone', text, m.index, m.index + value.length);
  });
  each(PHONE_NANP, text, (m) => {
    const area = m[1] ?? m[2] ?? '';
    if (!/^[2-9]/.test(area) || !/^[2-9]/.test(m[4] ?? '')) return;
    if (m[3] !== undefined && m[3] !== m[5]) return; // 415-555.0132: inconsistent separators
    push(out, 'phone', text, m.index, m.index + m[0].length);
  });
  each(PHONE_TRUNK, text, (m) => {
    const digits = digitCount(m[0]);
    if (digits < 10 || digits > 11) return;
    push(out, 'phone', text, m.index, m.index + m[0].length);
  });
};

const CARD = /(?<![\w.,+*-])\d(?:(?:[ -]{1,2}|\.)?\d){12,18}(?![\w]|[.,]\d|[ -]\d)/g;

/** Separators, if any, are one kind (space, double space, dash or dot) between groups of 4 (or Amex/Diners 4-6-5/4-6-4). */
function cardGroupsOk(raw: string): boolean {
  const seps = raw.match(/[ .-]+/g);
  if (!seps) return true;
  if (new Set(seps).size > 1) return false;
  const groups = raw.split(seps[0]!).map((g) => g.length);
  const shape = groups.join('-');
  if (shape === '4-6-5' || shape === '4-6-4') return true;
  return groups.slice(0, -1).every((g) => g === 4) && groups.at(-1)! >= 1 && groups.at(-1)! <= 4;
}

const card: Detector = (text, out) =>
  each(CARD, text, (m) => {
    const digits = m[0].replace(/\D/g, '');
    if (cardValid(digits) && cardGroupsOk(m[0])) push(out, 'card', text, m.index, m.index + m[0].length);
  });

// upper case, or all lower case (de89 3704 ...); mixed case is not an IBAN someone wrote
const IBAN_START = /(?<![A-Za-z0-9])([A-Z]{2}|[a-z]{2})\d{2}(?= ?[A-Za-z0-9])/g;

const iban: Detector = (text, out) =>
  each(IBAN_START, text, (m) => {
    const length = IBAN_LENGTHS[m[1]!.toUpperCase()];
    if (!length) return;
    const alnum = m[1] === m[1]!.toUpperCase() ? /[A-Z0-9]/ : /[a-z0-9]/;
    let i = m.index;
    let count = 0;
    while (i < text.length && count < length) {
      const ch = text[i]!;
      if (alnum.test(ch)) count++;
      else if (!(ch === ' ' && alnum.test(text[i + 1] ?? '') && count >= 4)) break;
      i++;
    }
    if (count !== length || /[A-Za-z0-9]/.test(text[i] ?? '')) return;
    const raw = text.slice(m.index, i);
    if (raw.includes(' ')) {
      const groups = raw.split(' ').map((g) => g.length);
      if (!groups.slice(0, -1).every((g) => g === 4)) return;
    }
    if (ibanValid(raw)) push(out, 'iban', text, m.index, i);
  });

const SSN = /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w]|-\d)/g;
const usSsn: Detector = (text, out) =>
  each(SSN, text, (m) => {
    if (m[2] === ' ' && /\d[ .]$/.test(text.slice(Math.max(0, m.index - 2), m.index))) return; // inside a spaced number
    if (usSsnValid(m[1]!, m[3]!, m[4]!)) push(out, 'us_ssn', text, m.index, m.index + m[0].length);
  });

// AB123456C, AB 12 34 56 C, AB 123456 C; upper or lower case
const NINO =
  /(?<![A-Za-z0-9])(?:[A-Z]{2}(?:\d{6}|( )\d{2}\1\d{2}\1\d{2}\1| \d{6} )[A-D]|[a-z]{2}\d{6}[a-d])(?![A-Za-z0-9])/g;
const ukNino: Detector = (text, out) =>
  each(NINO, text, (m) => {
    if (ukNinoValid(m[0].replace(/ /g, '').toUpperCase())) push(out, 'uk_nino', text, m.index, m.index + m[0].length);
  });

const DNI = /(?<![A-Za-z0-9-])(?:[XYZ]-?\d{7}|\d{8})-?[A-Z](?![A-Za-z0-9])/g;
const esDni: Detector = (text, out) =>
  each(DNI, text, (m) => {
    if (esDniValid(m[0].replace(/-/g, ''))) push(out, 'es_dni', text, m.index, m.index + m[0].length);
  });

const IPV4 = /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?![\w]|\.\d)/g;
const VERSIONISH = /(?:\bv|\bversion|\bver|\bbuild|\brelease|\bfirmware|\bfw|\brev|\bedition)[\s:=#]*$/i;

const ipv4: Detector = (text, out) =>
  each(IPV4, text, (m) => {
    const address = m[0].split('/')[0]!;
    if (!ipv4Valid(address)) return;
    if (VERSIONISH.test(text.slice(Math.max(0, m.index - 12), m.index))) return;
    push(out, 'ipv4', text, m.index, m.index + m[0].length);
  });

const IPV6 = /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}(?:%[\w.]+)?(?![\w:])/g;

const ipv6: Detector = (text, out) =>
  each(IPV6, text, (m) => {
    let candidate = m[0];
    while (candidate.endsWith('.')) candidate = candidate.slice(0, -1);
    if (ipv6Valid(candidate)) push(out, 'ipv6', text, m.index, m.index + candidate.length);
  });

const secret: Detector = (text, out) => {
  for (const shape of SECRET_SHAPES) {
    each(shape.pattern, text, (m) => {
      const group = shape.group ?? 0;
      const value = m[group];
      if (value === undefined) return;
      const start = m.index + m.slice(1, group).join('').length;
      push(out, 'secret', text, start, start + value.length);
    });
  }
};

const DETECTORS: Record<ValueKind, Detector> = {
  secret,
  email,
  iban,
  card,
  us_ssn: usSsn,
  uk_nino: ukNino,
  es_dni: esDni,
  ipv6,
  ipv4,
  phone,
};

const MAY_CONTAIN = /[\d@]|xox|xapp|sk-|AKIA|ASIA|gh[pousr]_|github_pat|eyJ|BEGIN|Bearer|pass|pwd/;

/** Text that cannot hold any value kind (no digit, no @, no token prefix): most names, categories, statuses. */
export function mayContainPii(text: string): boolean {
  return MAY_CONTAIN.test(text);
}

/**
 * Every personal-data value found in `text`, left to right, without overlaps. `kinds` limits the search.
 */
export function findPii(text: string, kinds?: ReadonlySet<ValueKind>): PiiMatch[] {
  if (!mayContainPii(text)) return [];
  const found: PiiMatch[] = [];
  for (const [kind, detector] of Object.entries(DETECTORS) as [ValueKind, Detector][]) {
    if (!kinds || kinds.has(kind)) detector(text, found);
  }
  if (found.length <= 1) return found;
  found.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start) || PRIORITY[a.kind] - PRIORITY[b.kind]);
  const kept: PiiMatch[] = [];
  for (const match of found) {
    const last = kept.at(-1);
    if (!last || match.start >= last.end) {
      kept.push(match);
      continue;
    }
    // overlapping: a different kind with higher priority wins (a card beats the phone-like digits around it, and the
    // phone keeps what comes before the card if that is still a number); the same kind: the longer one
    if (match.kind !== last.kind && PRIORITY[match.kind] !== PRIORITY[last.kind]) {
      const [winner, loser] = PRIORITY[match.kind] < PRIORITY[last.kind] ? [match, last] : [last, match];
      const head = loser.start < winner.start ? truncatedPhone(text, loser, winner.start) : undefined;
      kept[kept.length - 1] = winner;
      if (head) kept.splice(kept.length - 1, 0, head);
    } else if (match.end - match.start > last.end - last.start) {
      kept[kept.length - 1] = match;
    }
  }
  return kept;
}

/** A phone match cut before another value, when what is left is still a phone number. */
function truncatedPhone(text: string, phone: PiiMatch, end: number): PiiMatch | undefined {
  if (phone.kind !== 'phone') return undefined;
  const value = text.slice(phone.start, end).replace(/[\s.\-(]+$/, '');
  const count = digitCount(value);
  if (count < 8 || count > 15 || !/\d$/.test(value)) return undefined;
  return { kind: 'phone', start: phone.start, end: phone.start + value.length, value };
}

/** The kind of a whole value when the entire (trimmed) text is one personal-data value, else undefined. */
export function classifyValue(text: string): ValueKind | undefined {
  const trimmed = text.trim();
  const [match] = findPii(trimmed);
  return match && match.start === 0 && match.end === trimmed.length ? match.kind : undefined;
}
