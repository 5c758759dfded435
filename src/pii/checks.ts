/**
 * Checksums and structural rules of identifier formats. A candidate that has the right shape but fails its check
 * (a 16-digit order number, a mistyped IBAN, an SSN with area 000) is not personal data of that kind: these checks
 * are what keeps precision high.
 */
import { isIPv6 } from 'node:net';

/** The Luhn (mod 10) check used by payment card numbers. `digits` holds digits only. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * The card network an issuer prefix belongs to, or undefined when no network issues numbers like it (with the
 * lengths each network uses). Prefix + length + Luhn leaves about one random number in a few hundred.
 */
export function cardNetwork(digits: string): string | undefined {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  if (digits.startsWith('4') && (n === 13 || n === 16 || n === 19)) return 'visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return 'mastercard';
  if ((p2 === 34 || p2 === 37) && n === 15) return 'amex';
  if ((p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) && n >= 16)
    return 'discover';
  if (p4 >= 3528 && p4 <= 3589 && n >= 16) return 'jcb';
  if (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) && n >= 14 && n <= 19) return 'diners';
  if (p2 === 62 && n >= 16) return 'unionpay';
  if ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && n >= 12 && n <= 19) return 'maestro';
  return undefined;
}

/** A payment card number: 13-19 digits, a known network prefix and length, and a valid Luhn check digit. */
export function cardValid(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && cardNetwork(digits) !== undefined && luhnValid(digits);
}

/** IBAN length per country (ISO 13616 registry). */
// biome-ignore format: a table reads better packed
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27,
  MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33,
  SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 13616: the country's length, and the number read as digits (letters A=10..Z=35, first four moved last) mod 97 = 1. */
export function ibanValid(text: string): boolean {
  const iban = text.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/** US Social Security Number structure: area 001-899 except 666, group 01-99, serial 0001-9999. */
export function usSsnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  return a > 0 && a !== 666 && a < 900 && Number(group) > 0 && Number(serial) > 0;
}

const NINO_FIRST = /[A-CEGHJ-PR-TW-Z]/;
const NINO_SECOND = /[A-CEGHJ-NPR-TW-Z]/;
const NINO_BAD_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

/** UK National Insurance number: two prefix letters (HMRC's allowed set), six digits, suffix A-D. */
export function ukNinoValid(compact: string): boolean {
  const m = /^([A-Z])([A-Z])\d{6}[A-D]$/.exec(compact);
  if (!m) return false;
  const [, first = '', second = ''] = m;
  return NINO_FIRST.test(first) && NINO_SECOND.test(second) && !NINO_BAD_PREFIXES.has(first + second);
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Spanish DNI (8 digits + check letter) or NIE (X/Y/Z + 7 digits + check letter): the letter is number mod 23. */
export function esDniValid(compact: string): boolean {
  const m = /^([XYZ]|\d)(\d{7})([A-Z])$/.exec(compact);
  if (!m) return false;
  const [, head = '', rest = '', letter] = m;
  const lead = head === 'X' ? '0' : head === 'Y' ? '1' : head === 'Z' ? '2' : head;
  return DNI_LETTERS[Number(lead + rest) % 23] === letter;
}

/** Dotted-quad IPv4 (octets 0-255; zero-padded octets such as 192.168.001.010 too). */
export function ipv4Valid(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/**
 * IPv6 as Node parses it, with at least two non-empty groups (so `::`, `::1` and tokens such as `a::b` in code are
 * not taken for addresses) and at least one digit among the groups.
 */
export function ipv6Valid(text: string): boolean {
  const address = text.split('%')[0] ?? '';
  if (!isIPv6(address)) return false;
  const groups = address.split(':').filter((g) => g.length > 0);
  return groups.length >= 2 && /\d/.test(address) && (groups.length >= 3 || address.includes('::'));
}
