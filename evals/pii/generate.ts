/**
 * A generated, labelled set for the PII detector: positives of every kind in the formats people write them (alone,
 * as a table cell would hold them, and inside sentences), and hard negatives that share their shapes (order ids,
 * dates, timestamps, prices, UUIDs, versions, hashes, MAC addresses, ISBNs, tracking numbers, Luhn-failing card-like
 * numbers, IBANs with a wrong check, SSNs with invalid areas, NINOs with invalid prefixes, out-of-range IPs...).
 * Seeded (mulberry32), so a seed gives the same set on every machine. Every positive carries its exact span.
 *
 * Caveat: the generator and the detector were written by the same people; the hard negatives are deliberately the
 * look-alikes the detector must survive, but this is not an independent benchmark.
 */
import { createRng, type Rng } from '../../src/demo/random.js';
import type { ValueKind } from '../../src/pii/index.js';
import { IBAN_LENGTHS, luhnValid } from '../../src/pii/index.js';

export interface LabelledSpan {
  kind: ValueKind;
  start: number;
  end: number;
  value: string;
}

export interface LabelledItem {
  text: string;
  spans: LabelledSpan[];
  /** `positive:<kind>`, `negative:<family>` or `mixed`. */
  group: string;
}

const FIRST = ['anna', 'john', 'maria', 'li', 'oluwaseun', 'sofia', 'lukas', 'chen', 'fatima', 'noah', 'emma', 'raj'];
const LAST = ['smith', 'garcia', 'muller', 'wang', 'okafor', 'rossi', 'dubois', 'kowalski', 'nguyen', 'silva'];
const DOMAINS = [
  'example.com',
  'gmail.com',
  'mail.example.org',
  'company.io',
  'example.co.uk',
  'uni-berlin.de',
  'shop.example.fr',
  'outlook.com',
];

const digits = (r: Rng, n: number) => Array.from({ length: n }, () => r.int(0, 9)).join('');
const letters = (r: Rng, n: number, set = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') =>
  Array.from({ length: n }, () => set[r.int(0, set.length - 1)]).join('');
const hex = (r: Rng, n: number) => letters(r, n, '0123456789abcdef');

function luhnComplete(partial: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(partial + d)) return partial + d;
  throw new Error('unreachable');
}

function group(text: string, sizes: readonly number[], sep: string): string {
  const out: string[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(text.slice(at, at + size));
    at += size;
  }
  if (at < text.length) out.push(text.slice(at));
  return out.filter(Boolean).join(sep);
}

const gen: Record<ValueKind, (r: Rng) => string> = {
  email(r) {
    const f = r.pick(FIRST);
    const l = r.pick(LAST);
    const local = r.pick([
      `${f}.${l}`,
      `${f[0]}${l}`,
      `${f}_${l}${r.int(1, 99)}`,
      `${f}+news`,
      `${f}${r.int(1950, 2005)}`,
    ]);
    const email = `${local}@${r.pick(DOMAINS)}`;
    return r.chance(0.1) ? email.toUpperCase() : email;
  },
  phone(r) {
    const area = `${r.int(2, 9)}${digits(r, 2)}`;
    const exch = `${r.int(2, 9)}${digits(r, 2)}`;
    const line = digits(r, 4);
    return r.pick([
      `(${area}) ${exch}-${line}`,
      `${area}-${exch}-${line}`,
      `${area}.${exch}.${line}`,
      `+1 ${area} ${exch} ${line}`,
      `+1-${area}-${exch}-${line}`,
      `1-800-${exch}-${line}`,
      `+1${area}${exch}${line}`,
      `+44 20 ${digits(r, 4)} ${digits(r, 4)}`,
      `020 ${digits(r, 4)} ${digits(r, 4)}`,
      `07${digits(r, 3)} ${digits(r, 6)}`,
      `+44 7${digits(r, 3)} ${digits(r, 6)}`,
      `+49 30 ${digits(r, 7)}`,
      `030 ${digits(r, 8)}`,
      `+49 15${digits(r, 1)} ${digits(r, 8)}`,
      `0${r.int(1, 9)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`,
      `+33 ${r.int(1, 9)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`,
      `0${r.int(6, 7)}.${digits(r, 2)}.${digits(r, 2)}.${digits(r, 2)}.${digits(r, 2)}`,
      `+34 6${digits(r, 2)} ${digits(r, 3)} ${digits(r, 3)}`,
      `+91 9${digits(r, 4)} ${digits(r, 5)}`,
      `+61 2 ${digits(r, 4)} ${digits(r, 4)}`,
      `+81 3-${digits(r, 4)}-${digits(r, 4)}`,
      `+${r.pick(['49', '44', '33', '39', '31'])}${r.int(1, 9)}${digits(r, 9)}`,
    ]);
  },
  card(r) {
    const [prefix, length] = r.pick([
      ['4', 16],
      ['4', 16],
      [String(r.int(51, 55)), 16],
      [String(r.int(2221, 2720)), 16],
      [r.pick(['34', '37']), 15],
      ['6011', 16],
      ['65', 16],
      [String(r.int(3528, 3589)), 16],
      ['36', 14],
      ['62', 16],
    ] as const);
    const number = luhnComplete(prefix + digits(r, length - prefix.length - 1));
    const sizes = length === 15 ? [4, 6, 5] : length === 14 ? [4, 6, 4] : [4, 4, 4, 4];
    return r.pick([number, group(number, sizes, ' '), group(number, sizes, '-')]);
  },
  iban(r) {
    const cc = r.pick(['DE', 'GB', 'FR', 'ES', 'NL', 'IT', 'CH', 'BE', 'AT', 'PL', 'IE', 'SE']);
    const length = IBAN_LENGTHS[cc]!;
    const bban =
      cc === 'GB' || cc === 'IE'
        ? letters(r, 4) + digits(r, length - 8)
        : cc === 'NL'
          ? letters(r, 4) + digits(r, length - 8)
          : cc === 'IT'
            ? letters(r, 1) + digits(r, length - 5)
            : digits(r, length - 4);
    const numeric = `${bban}${cc}00`.replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
    let remainder = 0;
    for (const d of numeric) remainder = (remainder * 10 + Number(d)) % 97;
    const iban = `${cc}${String(98 - remainder).padStart(2, '0')}${bban}`;
    return r.chance(0.5) ? group(iban, Array(10).fill(4), ' ') : iban;
  },
  us_ssn(r) {
    let area = r.int(1, 899);
    if (area === 666) area = 667;
    const sep = r.pick(['-', '-', ' ']);
    return `${String(area).padStart(3, '0')}${sep}${String(r.int(1, 99)).padStart(2, '0')}${sep}${String(r.int(1, 9999)).padStart(4, '0')}`;
  },
  uk_nino(r) {
    let prefix: string;
    do prefix = letters(r, 1, 'ABCEGHJKLMNOPRSTWXYZ') + letters(r, 1, 'ABCEGHJKLMNPRSTWXYZ');
    while (['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(prefix));
    const body = digits(r, 6);
    const suffix = letters(r, 1, 'ABCD');
    return r.chance(0.5)
      ? `${prefix}${body}${suffix}`
      : `${prefix} ${body.slice(0, 2)} ${body.slice(2, 4)} ${body.slice(4)} ${suffix}`;
  },
  es_dni(r) {
    const table = 'TRWAGMYFPDXBNJZSQVHLCKE';
    if (r.chance(0.3)) {
      const head = r.pick(['X', 'Y', 'Z']);
      const rest = digits(r, 7);
      return `${head}${rest}${table[Number(`${'XYZ'.indexOf(head)}${rest}`) % 23]}`;
    }
    const n = digits(r, 8);
    return `${n}${r.chance(0.2) ? '-' : ''}${table[Number(n) % 23]}`;
  },
  ipv4(r) {
    const octet = () => r.int(0, 255);
    const address = r.pick([
      `${r.int(1, 223)}.${octet()}.${octet()}.${r.int(1, 254)}`,
      `192.168.${octet()}.${r.int(1, 254)}`,
      `10.${octet()}.${octet()}.${r.int(1, 254)}`,
    ]);
    return r.chance(0.1) ? `${address}/${r.int(8, 32)}` : address;
  },
  ipv6(r) {
    const g = () => hex(r, 4).replace(/^0+(?=.)/, '');
    return r.pick([
      Array.from({ length: 8 }, g).join(':'),
      `2001:db8::${g()}:${g()}`,
      `fe80::${g()}:${g()}:${g()}:${g()}`,
      `2a02:${g()}:${g()}::${g()}`,
      `::ffff:${r.int(1, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
      `${g()}:${g()}:${g()}:${g()}:${g()}:${g()}::${g()}`,
    ]);
  },
  secret(r) {
    const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    return r.pick([
      `xoxb-${digits(r, 11)}-${digits(r, 12)}-${letters(r, 24, alnum)}`,
      `sk-ant-api03-${letters(r, 40, alnum)}`,
      `AKIA${letters(r, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
      `ghp_${letters(r, 36, alnum)}`,
      `eyJhbGciOiJIUzI1NiJ9.eyJ${letters(r, 30, alnum)}.${letters(r, 43, alnum)}`,
    ]);
  },
};

/**
 * Less common ways people write the same values (one positive in five): some are beyond the detector on purpose
 * (bare 9-digit SSNs, lower-case IBANs and NINOs, dotted card numbers, `(0)` in UK numbers), so recall is measured
 * against how data really looks, not only against the formats the detector was written for.
 */
const WILD: Partial<Record<ValueKind, (r: Rng) => string>> = {
  email: (r) =>
    r.pick([
      `${r.pick(FIRST)}.${r.pick(LAST)}@sub.${r.pick(DOMAINS)}`,
      `${r.pick(FIRST)}-${r.pick(LAST)}@${r.pick(['example.museum', 'example.travel', 'xn--bcher-kva.example'])}`,
      `${r.pick(FIRST)}%team@${r.pick(DOMAINS)}`,
    ]),
  phone: (r) =>
    r.pick([
      `+44 (0)20 ${digits(r, 4)} ${digits(r, 4)}`,
      `${r.int(2, 9)}${digits(r, 2)} ${r.int(2, 9)}${digits(r, 2)} ${digits(r, 4)}`,
      `0049 30 ${digits(r, 7)}`,
      `+1.${r.int(2, 9)}${digits(r, 2)}.${r.int(2, 9)}${digits(r, 2)}.${digits(r, 4)}`,
      `+55 11 9${digits(r, 4)}-${digits(r, 4)}`,
      `+86 138 ${digits(r, 4)} ${digits(r, 4)}`,
      `06-${digits(r, 8)}`,
      `02 ${digits(r, 4)} ${digits(r, 4)}`,
      `1 (800) ${r.int(2, 9)}${digits(r, 2)}-${digits(r, 4)}`,
    ]),
  card: (r) => {
    const number = luhnComplete(`4${digits(r, 14)}`);
    return r.pick([
      group(number, [4, 4, 4, 4], '.'),
      luhnComplete(`50${digits(r, 16)}`),
      group(number, [4, 4, 4, 4], '  '),
    ]);
  },
  iban: (r) => gen.iban(r).toLowerCase(),
  us_ssn: (r) => `${r.int(100, 665)}${String(r.int(1, 99)).padStart(2, '0')}${String(r.int(1, 9999)).padStart(4, '0')}`,
  uk_nino: (r) => {
    const nino = gen.uk_nino(r).replace(/ /g, '');
    return r.pick([nino.toLowerCase(), `${nino.slice(0, 2)} ${nino.slice(2, 8)} ${nino.slice(8)}`]);
  },
  ipv4: (r) => `192.168.${String(r.int(0, 9)).padStart(3, '0')}.${String(r.int(1, 99)).padStart(3, '0')}`,
  ipv6: (r) => `${hex(r, 4)}:${hex(r, 4)}::${hex(r, 4)}%eth0`.toUpperCase().replace('%ETH0', '%eth0'),
};

const TEMPLATES = [
  '{v}',
  '{v}',
  '{v}',
  'Contact: {v}',
  'Please reach me at {v} tomorrow.',
  'Customer asked to update {v} on the account (ticket #{n}).',
  'Refund for order ORD-2024-{n}, details {v}, amount $1,234.56',
  'On 2024-03-15 10:30:00 the user gave {v} and asked for a callback.',
  '"{v}"',
  '({v})',
];

/** Look-alikes that must not be flagged, by family. */
const NEGATIVES: Record<string, (r: Rng) => string> = {
  order_id: (r) =>
    r.pick([
      `ORD-2024-${digits(r, 6)}`,
      `INV-${digits(r, 8)}`,
      `#${r.int(100000, 9999999)}`,
      `PO ${digits(r, 4)}-${digits(r, 4)}`,
      `A-${digits(r, 3)}-${digits(r, 2)}-${digits(r, 4)}`,
    ]),
  numeric_id: (r) =>
    r.pick([
      `${r.int(1, 1)}${digits(r, 12)}`, // epoch milliseconds
      `${r.pick(['1', '7', '8', '9'])}${digits(r, 15)}`, // no card network starts so
      `${r.int(1, 9)}${digits(r, 9)}`, // bare 10 digits: not called a phone without separators
      digits(r, 9).replace(/^0/, '1'), // bare 9 digits: not called an SSN without separators
    ]),
  luhn_fail: (r) => {
    const good = luhnComplete(`4${digits(r, 14)}`);
    const bad = good.slice(0, -1) + ((Number(good.at(-1)) + r.int(1, 9)) % 10);
    return r.chance(0.5) ? bad : group(bad, [4, 4, 4, 4], ' ');
  },
  date: (r) => {
    const y = r.int(1990, 2030);
    const m = String(r.int(1, 12)).padStart(2, '0');
    const d = String(r.int(1, 28)).padStart(2, '0');
    return r.pick([`${y}-${m}-${d}`, `${d}/${m}/${y}`, `${d}.${m}.${y}`, `${y}${m}${d}`, `${m}-${d}-${y}`]);
  },
  timestamp: (r) =>
    r.pick([
      `2024-0${r.int(1, 9)}-1${r.int(0, 9)}T${r.int(10, 23)}:${r.int(10, 59)}:${r.int(10, 59)}Z`,
      `2024-0${r.int(1, 9)}-1${r.int(0, 9)} ${r.int(10, 23)}:${r.int(10, 59)}:${r.int(10, 59)}.${digits(r, 3)}`,
      `${r.int(10, 23)}:${r.int(10, 59)}:${r.int(10, 59)}`,
      `17${digits(r, 8)}`,
      `00:${r.int(10, 59)}:${r.int(10, 59)}`,
    ]),
  price: (r) =>
    r.pick([
      `$${r.int(1, 999)},${digits(r, 3)}.${digits(r, 2)}`,
      `€ ${r.int(1, 999)}.${digits(r, 3)},${digits(r, 2)}`,
      `${r.int(1, 99999)}.${digits(r, 2)}`,
      `USD ${r.int(1, 99)},${digits(r, 3)},${digits(r, 3)}`,
      `-${r.int(1, 99)}.${digits(r, 2)}`,
      `+${r.int(1, 99)}.${r.int(0, 9)}%`,
    ]),
  uuid: (r) => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${r.pick(['8', '9', 'a', 'b'])}${hex(r, 3)}-${hex(r, 12)}`,
  version: (r) =>
    r.pick([
      `${r.int(0, 20)}.${r.int(0, 20)}.${r.int(0, 99)}`,
      `v${r.int(0, 20)}.${r.int(0, 20)}.${r.int(0, 20)}.${r.int(0, 20)}`,
      `version ${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}`,
      `build ${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 99)}.${r.int(0, 99)}`,
      `Chrome/${r.int(90, 130)}.0.${r.int(1000, 6999)}.${r.int(10, 200)}`,
    ]),
  hash: (r) => r.pick([hex(r, 32), hex(r, 40), hex(r, 64)]),
  mac: (r) => Array.from({ length: 6 }, () => letters(r, 2, '0123456789ABCDEF')).join(':'),
  isbn: (r) => r.pick([`978-${r.int(0, 9)}-${digits(r, 2)}-${digits(r, 6)}-${r.int(0, 9)}`, `ISBN ${digits(r, 9)}X`]),
  tracking: (r) => r.pick([`1Z${letters(r, 6, 'A0123456789')}${digits(r, 10)}`, `94001${digits(r, 17)}`]),
  short_number: (r) =>
    r.pick([
      `${r.int(2, 9)}${digits(r, 2)}-${digits(r, 4)}`,
      `${r.int(100, 999)}-${r.int(100, 999)}`,
      `${digits(r, 2)}-${digits(r, 2)}-${digits(r, 2)}`,
      `${r.int(1990, 2024)}-${r.int(2025, 2030)}`,
      `ext. ${digits(r, 4)}`,
    ]),
  invalid_ssn: (r) =>
    r.pick([
      `000-${digits(r, 2).replace(/^00$/, '12')}-${digits(r, 4).replace(/^0000$/, '1234')}`,
      `666-${r.int(10, 99)}-${r.int(1000, 9999)}`,
      `9${digits(r, 2)}-${r.int(10, 99)}-${r.int(1000, 9999)}`,
      `${r.int(100, 899)}-00-${r.int(1000, 9999)}`,
      `${r.int(100, 899)}-${r.int(10, 99)}-0000`,
    ]),
  invalid_nino: (r) =>
    r.pick([
      `${r.pick(['QQ', 'BG', 'GB', 'NK', 'TN', 'ZZ', 'DA', 'FA'])}${digits(r, 6)}${letters(r, 1, 'ABCD')}`,
      `AB${digits(r, 6)}${letters(r, 1, 'EFGXYZ')}`,
    ]),
  invalid_dni: (r) => {
    const n = digits(r, 8);
    const table = 'TRWAGMYFPDXBNJZSQVHLCKE';
    const right = Number(n) % 23;
    return `${n}${table[(right + r.int(1, 22)) % 23]}`;
  },
  invalid_iban: (r) => {
    const iban = gen.iban(r).replace(/ /g, '');
    const check = Number(iban.slice(2, 4));
    const wrong = String(((check + r.int(1, 90)) % 97) + 2).padStart(2, '0');
    return `${iban.slice(0, 2)}${wrong === iban.slice(2, 4) ? '01' : wrong}${iban.slice(4)}`;
  },
  invalid_ip: (r) =>
    r.pick([
      `${r.int(256, 999)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(0, 255)}`,
      `${r.int(1, 255)}.${r.int(0, 255)}.${r.int(0, 255)}`,
      `${r.int(1, 99)}.${r.int(0, 99)}`,
      `${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}`,
    ]),
  colon_text: (r) =>
    r.pick(['std::vector', 'a::b', '::', 'Note: see above', `ratio ${r.int(1, 9)}:${r.int(1, 9)}`, 'foo::bar::baz']),
  email_like: (r) =>
    r.pick([
      `${r.pick(FIRST)}@localhost`,
      `@${r.pick(FIRST)}_${r.pick(LAST)}`,
      `${r.pick(FIRST)} at example dot com`,
      `lodash@${r.int(1, 4)}.${r.int(0, 17)}.${r.int(0, 21)}`,
      `${r.pick(FIRST)}@`,
    ]),
  labelled_code: (r) =>
    r.pick([
      `part no. ${r.int(100, 899)}-${r.int(10, 99)}-${r.int(1000, 9999)}`,
      `SKU ${r.int(200, 999)}-${r.int(200, 999)}-${r.int(1000, 9999)}`,
      `order #${luhnComplete(`4${digits(r, 14)}`)}`,
      `serial: ${r.int(200, 999)}.${r.int(200, 999)}.${r.int(1000, 9999)}`,
    ]),
  coordinates: (r) => `${r.int(-89, 89)}.${digits(r, 4)}, ${r.int(-179, 179)}.${digits(r, 4)}`,
  postcode: (r) =>
    r.pick([`${r.int(10000, 99999)}`, 'SW1A 1AA', `EC${r.int(1, 4)}A ${r.int(1, 9)}BB`, `${digits(r, 4)} AB`]),
  secret_like: (r) => r.pick([`sk-${digits(r, 3)}`, 'token', `xox-${digits(r, 3)}`, `AKIA${digits(r, 4)}`, hex(r, 24)]),
};

/**
 * Look-alikes that no shape rule can tell apart from the real thing: scored apart (the share flagged is reported,
 * not counted against precision); a column of them is what `not_sensitive` in knowledge/sensitive.yaml is for.
 */
export const INDISTINGUISHABLE: Record<string, (r: Rng) => string> = {
  version_as_ipv4: (r) => `app ${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(1, 9)} crashed`,
  random_16_digits: (r) => `${r.pick(['4', '5'])}${digits(r, 15)}`,
  ssn_shaped_code: (r) => `${r.int(100, 899)}-${r.int(10, 99)}-${r.int(1000, 9999)}`,
  phone_shaped_code: (r) => `${r.int(200, 999)}-${r.int(200, 999)}-${r.int(1000, 9999)}`,
};

function place(r: Rng, kind: ValueKind, value: string): LabelledItem {
  const template = r.pick(TEMPLATES).replace('{n}', String(r.int(1000, 99999)));
  const start = template.indexOf('{v}');
  const text = template.replace('{v}', value);
  return { text, spans: [{ kind, start, end: start + value.length, value }], group: `positive:${kind}` };
}

export interface GenerateOptions {
  seed?: number;
  /** Positives per kind (and negatives per family). */
  perKind?: number;
}

export const PII_EVAL_KINDS = Object.keys(gen) as ValueKind[];
export const NEGATIVE_FAMILIES = Object.keys(NEGATIVES);

/** The labelled set: `perKind` positives of each kind, `perKind` hard negatives of each family, and mixed lines. */
export function generatePiiSet(options: GenerateOptions = {}): LabelledItem[] {
  const seed = options.seed ?? 42;
  const perKind = options.perKind ?? 200;
  const items: LabelledItem[] = [];
  for (const kind of PII_EVAL_KINDS) {
    const r = createRng(seed, `pii:${kind}`);
    const wild = WILD[kind];
    for (let i = 0; i < perKind; i++) items.push(place(r, kind, wild && r.chance(0.2) ? wild(r) : gen[kind](r)));
  }
  for (const [family, make] of Object.entries(NEGATIVES)) {
    const r = createRng(seed, `pii-negative:${family}`);
    for (let i = 0; i < perKind; i++) {
      const value = make(r);
      const text = r.chance(0.5) ? value : `Ref ${value} noted.`;
      items.push({ text, spans: [], group: `negative:${family}` });
    }
  }
  for (const [family, make] of Object.entries(INDISTINGUISHABLE)) {
    const r = createRng(seed, `pii-indistinguishable:${family}`);
    for (let i = 0; i < perKind; i++) items.push({ text: make(r), spans: [], group: `indistinguishable:${family}` });
  }
  // mixed: a hard negative and a positive in one line (boundaries must not bleed)
  const r = createRng(seed, 'pii:mixed');
  const families = Object.values(NEGATIVES);
  for (let i = 0; i < perKind; i++) {
    const kind = r.pick(PII_EVAL_KINDS);
    const value = gen[kind](r);
    const negative = r.pick(families)(r);
    const head = `Order ${negative} by `;
    items.push({
      text: `${head}${value}; see ${r.pick(families)(r)}.`,
      spans: [{ kind, start: head.length, end: head.length + value.length, value }],
      group: 'mixed',
    });
  }
  return items;
}
