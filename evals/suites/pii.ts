/**
 * The PII detector suite: precision and recall per kind on the generated labelled set (evals/pii/generate.ts), and
 * of column-name classification on a labelled list of names. A detected span counts as a true positive when it
 * overlaps a labelled span of the same kind; any other detection is a false positive of its kind (on a hard
 * negative, or the wrong kind), any labelled span left unmatched a false negative.
 */
import { findPii, kindFromColumnName, type PiiKind, type ValueKind } from '../../src/pii/index.js';
import { generatePiiSet, type LabelledItem, NEGATIVE_FAMILIES, PII_EVAL_KINDS } from '../pii/generate.js';

export interface KindScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface PiiSuiteReport {
  seed: number;
  items: number;
  positives: number;
  negatives: number;
  kinds: Record<ValueKind, KindScore>;
  /** Micro-averaged over all kinds. */
  overall: KindScore;
  /** False positives by hard-negative family. */
  falsePositivesByFamily: Record<string, number>;
  /** Share of look-alikes no shape can tell apart that are flagged, by family (not counted in precision). */
  indistinguishableFlagged: Record<string, number>;
  columnNames: { names: number; precision: number; recall: number; kindAccuracy: number };
  /** Up to 50 mistakes (false positives first), for --verbose. */
  mistakes: string[];
  /** Detector throughput over the set's text, characters per second (informational; bench/pii.ts measures it). */
  charsPerSecond: number;
}

/** Column names and the kind they hold (undefined: not personal data by name). */
export const COLUMN_NAME_CASES: readonly [string, PiiKind | undefined][] = [
  ['email', 'email'],
  ['contact_email', 'email'],
  ['EmailAddress', 'email'],
  ['e_mail', 'email'],
  ['billing-email', 'email'],
  ['mail', 'email'],
  ['phone', 'phone'],
  ['phone_number', 'phone'],
  ['mobile', 'phone'],
  ['mobilePhone', 'phone'],
  ['telephone', 'phone'],
  ['cell_phone', 'phone'],
  ['fax', 'phone'],
  ['msisdn', 'phone'],
  ['card_number', 'card'],
  ['credit_card', 'card'],
  ['creditCardNumber', 'card'],
  ['cc_number', 'card'],
  ['pan', 'card'],
  ['iban', 'iban'],
  ['bank_account', 'iban'],
  ['account_number', 'iban'],
  ['ssn', 'national_id'],
  ['social_security_number', 'national_id'],
  ['national_id', 'national_id'],
  ['nino', 'national_id'],
  ['ni_number', 'national_id'],
  ['tax_id', 'national_id'],
  ['passport_number', 'national_id'],
  ['drivers_license_number', 'national_id'],
  ['dni', 'national_id'],
  ['ip', 'ipv4'],
  ['ip_address', 'ipv4'],
  ['ipAddress', 'ipv4'],
  ['last_login_ip', 'ipv4'],
  ['client_ip', 'ipv4'],
  ['remote_addr', 'ipv4'],
  ['ipv6', 'ipv4'],
  ['date_of_birth', 'birth_date'],
  ['dob', 'birth_date'],
  ['birthdate', 'birth_date'],
  ['birth_date', 'birth_date'],
  ['first_name', 'person_name'],
  ['last_name', 'person_name'],
  ['FullName', 'person_name'],
  ['surname', 'person_name'],
  ['customer_first_name', 'person_name'],
  ['street_address', 'address'],
  ['address_line1', 'address'],
  ['home_address', 'address'],
  ['address', 'address'],
  ['street', 'address'],
  ['password', 'secret'],
  ['password_hash', 'secret'],
  ['api_key', 'secret'],
  ['apiKey', 'secret'],
  ['access_token', 'secret'],
  ['client_secret', 'secret'],
  ['name', undefined],
  ['product_name', undefined],
  ['customer_name', undefined],
  ['username', undefined],
  ['email_verified', undefined],
  ['email_count', undefined],
  ['emails_sent', undefined],
  ['email_domain', undefined],
  ['phone_type', undefined],
  ['phone_country_code', undefined],
  ['ip_country', undefined],
  ['card_type', undefined],
  ['card_brand', undefined],
  ['shipping_address_id', undefined],
  ['address_id', undefined],
  ['password_changed_at', undefined],
  ['token_count', undefined],
  ['tokens_used', undefined],
  ['shipping_cost', undefined],
  ['hotel', undefined],
  ['ship_country', undefined],
  ['acquisition_channel', undefined],
  ['channel', undefined],
  ['status', undefined],
  ['total', undefined],
  ['order_id', undefined],
  ['customer_id', undefined],
  ['created_at', undefined],
  ['signup_date', undefined],
  ['description', undefined],
  ['subject', undefined],
  ['campaign', undefined],
  ['zip_code', undefined],
  ['country_code', undefined],
  ['price', undefined],
  ['sku', undefined],
  ['pipeline', undefined],
  ['topic', undefined],
  ['mailing_list_id', undefined],
];

const rate = (num: number, den: number) => (den === 0 ? 1 : Number((num / den).toFixed(4)));

function score(s: { tp: number; fp: number; fn: number }): KindScore {
  return { ...s, precision: rate(s.tp, s.tp + s.fp), recall: rate(s.tp, s.tp + s.fn) };
}

export function runPiiSuite(options: { seed?: number; perKind?: number; items?: LabelledItem[] } = {}): PiiSuiteReport {
  const seed = options.seed ?? 42;
  const items = options.items ?? generatePiiSet({ seed, perKind: options.perKind ?? 200 });
  const counts = Object.fromEntries(PII_EVAL_KINDS.map((k) => [k, { tp: 0, fp: 0, fn: 0 }])) as Record<
    ValueKind,
    { tp: number; fp: number; fn: number }
  >;
  const byFamily: Record<string, number> = Object.fromEntries(NEGATIVE_FAMILIES.map((f) => [f, 0]));
  const mistakes: string[] = [];
  const falsePositives: string[] = [];
  let chars = 0;
  const started = performance.now();
  const flagged: Record<string, { n: number; hit: number }> = {};
  for (const item of items) {
    chars += item.text.length;
    const found = findPii(item.text);
    if (item.group.startsWith('indistinguishable:')) {
      const family = item.group.slice('indistinguishable:'.length);
      const entry = flagged[family] ?? { n: 0, hit: 0 };
      flagged[family] = entry;
      entry.n++;
      if (found.length > 0) entry.hit++;
      continue;
    }
    const matched = new Set<number>();
    for (const detection of found) {
      const index = item.spans.findIndex(
        (s, i) => !matched.has(i) && s.kind === detection.kind && detection.start < s.end && s.start < detection.end,
      );
      if (index >= 0) {
        matched.add(index);
        counts[detection.kind].tp++;
        continue;
      }
      counts[detection.kind].fp++;
      if (item.group.startsWith('negative:')) {
        const family = item.group.slice('negative:'.length);
        byFamily[family] = (byFamily[family] ?? 0) + 1;
      }
      if (falsePositives.length < 50)
        falsePositives.push(`FP ${detection.kind} "${detection.value}" in "${item.text}" (${item.group})`);
    }
    item.spans.forEach((span, i) => {
      if (matched.has(i)) return;
      counts[span.kind].fn++;
      if (mistakes.length < 50) mistakes.push(`FN ${span.kind} "${span.value}" in "${item.text}"`);
    });
  }
  const seconds = (performance.now() - started) / 1000;
  const kinds = Object.fromEntries(PII_EVAL_KINDS.map((k) => [k, score(counts[k])])) as Record<ValueKind, KindScore>;
  const total = Object.values(counts).reduce(
    (sum, c) => ({ tp: sum.tp + c.tp, fp: sum.fp + c.fp, fn: sum.fn + c.fn }),
    { tp: 0, fp: 0, fn: 0 },
  );

  let namePositives = 0;
  let nameFlagged = 0;
  let nameCorrectFlags = 0;
  let nameRightKind = 0;
  for (const [name, expected] of COLUMN_NAME_CASES) {
    const got = kindFromColumnName(name);
    if (expected) namePositives++;
    if (got) nameFlagged++;
    if (got && expected) nameCorrectFlags++;
    if (got === expected) nameRightKind++;
    else if (mistakes.length < 50)
      mistakes.push(`column name ${name}: expected ${expected ?? 'none'}, got ${got ?? 'none'}`);
  }

  return {
    seed,
    items: items.length,
    positives: items.reduce((n, i) => n + i.spans.length, 0),
    negatives: items.filter((i) => i.group.startsWith('negative:')).length,
    kinds,
    overall: score(total),
    falsePositivesByFamily: byFamily,
    indistinguishableFlagged: Object.fromEntries(Object.entries(flagged).map(([f, e]) => [f, rate(e.hit, e.n)])),
    columnNames: {
      names: COLUMN_NAME_CASES.length,
      precision: rate(nameCorrectFlags, nameFlagged),
      recall: rate(nameCorrectFlags, namePositives),
      kindAccuracy: rate(nameRightKind, COLUMN_NAME_CASES.length),
    },
    mistakes: [...falsePositives, ...mistakes].slice(0, 50),
    charsPerSecond: Math.round(chars / Math.max(seconds, 1e-9)),
  };
}
