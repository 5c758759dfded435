/**
 * Masks that keep what is useful for analysis and drop what identifies a person: the email's domain, a phone's
 * country code and last two digits, a card's last four, an IBAN's country and last four, an IP's network half, a
 * birth date's year, a name's initials. A masked value is never detected again (`*` and `x` break every shape), so
 * masking twice changes nothing.
 */
import { isIPv6 } from 'node:net';
import type { PiiKind } from './kinds.js';

export const FULL_MASK = '***';

/** Replaces every letter and digit with `*` except the last `keep` of them; separators stay. */
function keepLast(value: string, keep: number): string {
  let remaining = value.replace(/[^A-Za-z0-9]/g, '').length - keep;
  let out = '';
  for (const ch of value) {
    if (/[A-Za-z0-9]/.test(ch) && remaining > 0) {
      out += '*';
      remaining--;
    } else out += ch;
  }
  return out;
}

function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return FULL_MASK;
  return `${value[0]}***${value.slice(at)}`;
}

function maskPhone(value: string): string {
  const trimmed = value.trim();
  const intl = /^\+(\d{1,3})(?=[ .\-(])/.exec(trimmed);
  if (intl) return `+${intl[1]}${keepLast(trimmed.slice(intl[0].length), 2)}`;
  if (trimmed.startsWith('+')) return `+${keepLast(trimmed.slice(1), 2)}`;
  return keepLast(trimmed, 2);
}

function maskCard(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length < 8 ? FULL_MASK : `**** **** **** ${digits.slice(-4)}`;
}

function maskIban(value: string): string {
  const trimmed = value.trim();
  if (trimmed.replace(/\W/g, '').length < 8) return FULL_MASK;
  return trimmed.slice(0, 2) + keepLast(trimmed.slice(2), 4);
}

function maskIpv4(value: string): string {
  const parts = value.split('/')[0]!.split('.');
  return parts.length === 4 ? `${parts[0]}.${parts[1]}.x.x` : FULL_MASK;
}

function expandIpv6(address: string): string[] | undefined {
  if (!isIPv6(address)) return undefined;
  const [head = '', tail] = address.split('::');
  const split = (s: string) => (s ? s.split(':') : []);
  const left = split(head);
  const right = tail === undefined ? [] : split(tail);
  const missing = 8 - left.length - right.length;
  return [...left, ...Array.from({ length: Math.max(0, missing) }, () => '0'), ...right];
}

function maskIpv6(value: string): string {
  const groups = expandIpv6(value.split('%')[0]!.trim());
  if (!groups) return FULL_MASK;
  const show = (g: string) => g.replace(/^0+(?=.)/, '').toLowerCase();
  return `${show(groups[0]!)}:${show(groups[1]!)}:x:x:x:x:x:x`;
}

function maskIp(value: string): string {
  return value.includes(':') ? maskIpv6(value) : maskIpv4(value);
}

function maskName(value: string): string {
  const words = value.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return FULL_MASK;
  return words.map((w) => `${[...w][0]}***`).join(' ');
}

function maskBirthDate(value: string): string {
  const year = /\b(1[89]\d\d|20\d\d)\b/.exec(value)?.[1];
  return year ? `${year}-**-**` : FULL_MASK;
}

/** The masked form of `value` as a value of `kind`. */
export function maskAs(kind: PiiKind, value: string): string {
  switch (kind) {
    case 'email':
      return maskEmail(value);
    case 'phone':
      return maskPhone(value);
    case 'card':
      return maskCard(value);
    case 'iban':
    case 'bank_account':
      return maskIban(value);
    case 'us_ssn':
      return /^\d{3}([- ]?)\d{2}\1\d{4}$/.test(value.trim()) ? `***-**-${value.trim().slice(-4)}` : keepLast(value, 2);
    case 'uk_nino':
    case 'es_dni':
      return keepLast(value, 3);
    case 'national_id':
      return keepLast(value, 2);
    case 'ipv4':
    case 'ipv6':
      return maskIp(value);
    case 'person_name':
      return maskName(value);
    case 'birth_date':
      return maskBirthDate(value);
    case 'secret':
    case 'address':
    case 'sensitive':
      return FULL_MASK;
  }
}
