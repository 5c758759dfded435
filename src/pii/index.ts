/**
 * Personal data: detection by value (emails, phone numbers, payment cards with Luhn, IBANs with mod-97, US SSNs,
 * UK NINOs, Spanish DNI/NIE, IPv4/IPv6, tokens) and by column name, admin rules from knowledge/sensitive.yaml, and
 * masking of results and text for everything Sleuth posts or returns (and, by default, what the model sees).
 */
export {
  cardNetwork,
  cardValid,
  esDniValid,
  IBAN_LENGTHS,
  ibanValid,
  ipv4Valid,
  ipv6Valid,
  luhnValid,
  ukNinoValid,
  usSsnValid,
} from './checks.js';
export { classifyValue, findPii, type PiiMatch } from './detect.js';
export { isValueKind, NAME_ONLY_KINDS, PII_KINDS, type PiiKind, VALUE_KINDS, type ValueKind } from './kinds.js';
export { FULL_MASK, maskAs } from './mask.js';
export {
  createPiiMasker,
  fitsKind,
  type ModelView,
  type PiiMasker,
  type PiiMaskerOptions,
  type PiiSession,
  type RowSet,
} from './masker.js';
export { kindFromColumnName, nameWords } from './names.js';
export { bareName, type ColumnRule, NO_RULES, type PiiRules, type ReadScope } from './rules.js';
