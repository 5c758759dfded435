/**
 * The kinds of personal data (and secrets) Sleuth recognises. Value kinds are found in text by their shape and
 * checksums; column kinds are only known from a column's name (a name or a street address has no reliable shape)
 * or from an admin's `knowledge/sensitive.yaml`.
 */

/** Kinds with a recognisable shape: detected in any text, with checksums where the format has one. */
export const VALUE_KINDS = [
  'email',
  'phone',
  'card',
  'iban',
  'us_ssn',
  'uk_nino',
  'es_dni',
  'ipv4',
  'ipv6',
  'secret',
] as const;

/** Kinds known from a column's name (or an admin rule) only. */
export const NAME_ONLY_KINDS = ['person_name', 'birth_date', 'address', 'national_id', 'bank_account'] as const;

export const PII_KINDS = [...VALUE_KINDS, ...NAME_ONLY_KINDS, 'sensitive'] as const;

export type ValueKind = (typeof VALUE_KINDS)[number];
export type PiiKind = (typeof PII_KINDS)[number];

export function isValueKind(kind: string): kind is ValueKind {
  return (VALUE_KINDS as readonly string[]).includes(kind);
}
