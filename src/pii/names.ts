/**
 * Personal data by column name: `email`, `contact_email`, `EmailAddress`, `phone_number`, `mobile`, `ssn`, `iban`,
 * `card_number`, `ip_address`, `last_login_ip`, `date_of_birth`, `first_name`, `street_address`, `password_hash`...
 * Names are split into words (snake_case, camelCase, kebab-case) and matched on words, never on substrings, so
 * `shipping` is not `ip` and `hotel` is not `tel`. A trailing word that makes the column describe the data rather
 * than hold it (`email_verified`, `phone_count`, `ip_country`, `address_id`, `password_changed_at`) cancels the match.
 *
 * A name alone never masks a value that does not fit: masker.ts masks a `phone` column's value only when it has
 * enough digits to be a number, an `email` column's only when it has an `@`, and so on (see fitsKind).
 */
import type { PiiKind } from './kinds.js';

/** Splits a column name into lower-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/^["`[]|["`\]]$/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Last words that make a column about the data rather than the data itself. */
const DESCRIPTIVE = new Set([
  'id',
  'ids',
  'count',
  'cnt',
  'type',
  'kind',
  'status',
  'verified',
  'confirmed',
  'valid',
  'validated',
  'enabled',
  'flag',
  'opt',
  'optin',
  'optout',
  'consent',
  'domain',
  'provider',
  'country',
  'region',
  'city',
  'code',
  'at',
  'on',
  'date',
  'time',
  'ts',
  'timestamp',
  'changed',
  'updated',
  'created',
  'expires',
  'expiry',
  'reset',
  'policy',
  'length',
  'len',
  'strength',
  'required',
  'sent',
  'bounced',
  'template',
  'format',
  'version',
  'source',
]);

const has = (words: readonly string[], ...wanted: string[]) => wanted.some((w) => words.includes(w));
const pair = (words: readonly string[], a: string, b: readonly string[]) =>
  words.some((w, i) => w === a && b.includes(words[i + 1] ?? ''));

type Rule = (words: readonly string[], joined: string) => boolean;

/** Ordered: the first kind whose rule matches wins (ip_address is an IP, not an address). */
const RULES: readonly [PiiKind, Rule][] = [
  [
    'secret',
    (w, j) =>
      has(w, 'password', 'passwd', 'passphrase', 'pwd', 'secret', 'apikey', 'token') ||
      /apikey|accesskey|privatekey|clientsecret|secretkey|accesstoken|refreshtoken|authtoken|sessiontoken/.test(j),
  ],
  ['email', (w, j) => /email/.test(j) || (has(w, 'mail') && (w.length === 1 || has(w, 'address')))],
  [
    'ipv4',
    (w, j) =>
      has(w, 'ip', 'ipv4', 'ipv6', 'ipaddr', 'ipaddress') || /ipaddress|remoteaddr|xforwardedfor|clientaddr/.test(j),
  ],
  [
    'card',
    (w, j) =>
      /creditcard|cardnumber|cardno\b|cardnum/.test(j) ||
      (has(w, 'card') && has(w, 'number', 'no', 'num', 'nr', 'pan')) ||
      has(w, 'pan', 'ccnumber', 'ccnum', 'ccno') ||
      pair(w, 'cc', ['number', 'num', 'no']),
  ],
  ['iban', (w, j) => has(w, 'iban') || /bankaccount|accountnumber|accountno\b/.test(j)],
  [
    'phone',
    (w, j) =>
      has(w, 'phone', 'telephone', 'tel', 'mobile', 'cellphone', 'fax', 'msisdn', 'whatsapp', 'phonenumber') ||
      /phone/.test(j) ||
      pair(w, 'cell', ['phone', 'number', 'no']),
  ],
  [
    'national_id',
    (w, j) =>
      has(w, 'ssn', 'sin', 'nino', 'tin', 'dni', 'nie', 'nif', 'bsn', 'cpf', 'aadhaar', 'pesel', 'passport') ||
      /socialsecurity|nationalid|nationalinsurance|taxid|taxnumber|driverslicen[cs]e|driverlicen[cs]e|idnumber|idcard/.test(
        j,
      ) ||
      pair(w, 'ni', ['number', 'no']),
  ],
  ['birth_date', (w, j) => has(w, 'dob', 'birthday', 'birthdate') || /dateofbirth|birthdate|birthday/.test(j)],
  [
    'person_name',
    (w, j) =>
      /^(first|last|full|sur|given|family|middle|maiden|legal|contact|person)name$/.test(j) ||
      has(w, 'surname', 'forename', 'firstname', 'lastname', 'fullname') ||
      ['first', 'last', 'full', 'given', 'family', 'middle', 'maiden', 'legal'].some((p) => pair(w, p, ['name'])),
  ],
  [
    'address',
    (w, j) =>
      has(w, 'street', 'streetaddress', 'addressline') ||
      /^(home|postal|mailing|billing|shipping|street|residential)?address\d?(line\d?)?$/.test(j) ||
      /addressline/.test(j),
  ],
];

/** Kinds whose trailing-word exception does not apply (a birth date column is called `birth_date`). */
const NO_DESCRIPTIVE_CHECK = new Set<PiiKind>(['birth_date']);

/** The kind of personal data a column holds judging by its name alone, or undefined. */
export function kindFromColumnName(name: string): PiiKind | undefined {
  const words = nameWords(name);
  if (words.length === 0) return undefined;
  const joined = words.join('');
  const last = words.at(-1)!;
  for (const [kind, rule] of RULES) {
    if (!rule(words, joined)) continue;
    const idItself = kind === 'national_id' && last === 'id'; // national_id, tax_id: the id is the data
    if (!NO_DESCRIPTIVE_CHECK.has(kind) && !idItself && words.length > 1 && DESCRIPTIVE.has(last)) return undefined;
    return kind;
  }
  return undefined;
}
