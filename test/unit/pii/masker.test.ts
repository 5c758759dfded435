import { describe, expect, it } from 'vitest';
import { parseSensitiveFile } from '../../../src/knowledge/index.js';
import { createPiiMasker, findPii, kindFromColumnName, maskAs, type ReadScope } from '../../../src/pii/index.js';

const result = (columns: string[], rows: unknown[][]) => ({
  columns: columns.map((name) => ({ name, type: 'text' })),
  rows,
  rowCount: rows.length,
  truncated: false,
  elapsedMs: 1,
});

const scope = (tables: string[], columns: [string | undefined, string][] = []): ReadScope => ({
  connection: 'shop',
  tables,
  columns: columns.map(([table, column]) => (table ? { table, column } : { column })),
});

const rules = (yaml: unknown) => {
  const parsed = parseSensitiveFile(yaml);
  expect(parsed.problems).toEqual([]);
  return parsed.rules;
};

describe('masks', () => {
  it('keep what is useful and drop what identifies', () => {
    expect(maskAs('email', 'jane.doe@example.com')).toBe('j***@example.com');
    expect(maskAs('card', '4242 4242 4242 4242')).toBe('**** **** **** 4242');
    expect(maskAs('card', '378282246310005')).toBe('**** **** **** 0005');
    expect(maskAs('phone', '+44 20 7946 0958')).toBe('+44 ** **** **58');
    expect(maskAs('phone', '(415) 555-0132')).toBe('(***) ***-**32');
    expect(maskAs('iban', 'DE89 3704 0044 0532 0130 00')).toBe('DE** **** **** **** **30 00');
    expect(maskAs('us_ssn', '123-45-6789')).toBe('***-**-6789');
    expect(maskAs('ipv4', '192.168.1.20')).toBe('192.168.x.x');
    expect(maskAs('ipv6', '2001:0db8::8a2e:370:7334')).toBe('2001:db8:x:x:x:x:x:x');
    expect(maskAs('person_name', 'Jane van Doe')).toBe('J*** v*** D***');
    expect(maskAs('birth_date', '1985-04-12')).toBe('1985-**-**');
    expect(maskAs('secret', 'hunter2hunter2')).toBe('***');
  });

  it('are never detected again (masking twice changes nothing)', () => {
    const masker = createPiiMasker();
    const text =
      'jane@example.com +44 20 7946 0958 4242 4242 4242 4242 DE89 3704 0044 0532 0130 00 123-45-6789 192.168.1.20';
    const once = masker.maskText(text);
    expect(once).not.toContain('jane@');
    expect(findPii(once)).toEqual([]);
    expect(masker.maskText(once)).toBe(once);
  });
});

describe('column names', () => {
  it.each([
    ['email', 'email'],
    ['ContactEmail', 'email'],
    ['phone_number', 'phone'],
    ['card_number', 'card'],
    ['iban', 'iban'],
    ['ssn', 'national_id'],
    ['tax_id', 'national_id'],
    ['last_login_ip', 'ipv4'],
    ['date_of_birth', 'birth_date'],
    ['first_name', 'person_name'],
    ['street_address', 'address'],
    ['password_hash', 'secret'],
  ])('%s holds %s', (name, kind) => {
    expect(kindFromColumnName(name)).toBe(kind);
  });

  it.each([
    'name',
    'email_verified',
    'phone_count',
    'ip_country',
    'card_type',
    'address_id',
    'password_changed_at',
    'shipping_cost',
    'hotel',
    'acquisition_channel',
  ])('%s is not personal data by name', (name) => {
    expect(kindFromColumnName(name)).toBeUndefined();
  });
});

describe('masking results', () => {
  it('masks by column name when the value fits the kind, and scans every text column', () => {
    const masker = createPiiMasker();
    const masked = masker.maskResult(
      result(
        ['id', 'email', 'email_verified', 'phone', 'note', 'total', 'created_at'],
        [
          [1, 'jane@example.com', true, '4155550132', 'call me on +1 415 555 0199', 12.5, new Date('2026-01-01')],
          [2, null, false, 'n/a', 'order ORD-2024-000123 shipped 2024-01-15', 7, new Date('2026-01-02')],
        ],
      ),
    );
    expect(masked.rows[0]).toEqual([
      1,
      'j***@example.com',
      true,
      '********32', // a bare number is masked in a phone column (it would not be in free text)
      'call me on +1 *** *** **99',
      12.5,
      new Date('2026-01-01'),
    ]);
    expect(masked.rows[1]).toEqual([
      2,
      null,
      false,
      'n/a',
      'order ORD-2024-000123 shipped 2024-01-15',
      7,
      new Date('2026-01-02'),
    ]);
  });

  it('does not change the input, and masks column names and JSON values too', () => {
    const masker = createPiiMasker();
    const input = result(['jane@example.com', 'meta'], [['x', { contact: 'jane@example.com', n: 1 }]]);
    const copy = structuredClone(input);
    const masked = masker.maskResult(input);
    expect(input).toEqual(copy);
    expect(masked.columns[0]!.name).toBe('j***@example.com');
    expect(masked.rows[0]![1]).toBe('{"contact":"j***@example.com","n":1}');
  });

  it('an admin rule masks a column whatever its values look like, on the tables it names', () => {
    const masker = createPiiMasker({
      rules: rules({
        sensitive: [
          { column: 'customers.name', kind: 'person_name' },
          { column: 'employees.salary' },
          { column: 'customers.notes', connection: 'other' },
        ],
      }),
    });
    const rows = result(['name', 'salary', 'notes'], [['Jane Doe', 85000, 'likes tea']]);
    expect(masker.maskResult(rows, scope(['customers', 'employees'])).rows[0]).toEqual([
      'J*** D***',
      '***',
      'likes tea',
    ]);
    // products.name is not customers.name
    expect(masker.maskResult(rows, scope(['products'])).rows[0]).toEqual(['Jane Doe', 85000, 'likes tea']);
    // with no scope (provenance and connection unknown) a sensitive rule applies by column name: fail closed
    expect(masker.maskResult(rows).rows[0]).toEqual(['J*** D***', '***', '***']);
    // on its own connection only
    expect(masker.maskResult(rows, { ...scope(['customers']), connection: 'other' }).rows[0]![2]).toBe('***');
    expect(masker.maskResult(rows, scope(['customers'])).rows[0]![2]).toBe('likes tea');
  });

  it('a not-sensitive rule silences a false positive on its table only', () => {
    const masker = createPiiMasker({ rules: rules({ not_sensitive: [{ column: 'parts.code' }] }) });
    const rows = result(['code'], [['412-55-1234']]);
    expect(masker.maskResult(rows, scope(['parts'])).rows[0]).toEqual(['412-55-1234']);
    expect(masker.maskResult(rows, scope(['customers'])).rows[0]).toEqual(['***-**-1234']);
    expect(masker.maskResult(rows).rows[0]).toEqual(['***-**-1234']); // provenance unknown: not exempt
  });

  it('a sensitive column read under another name taints the untraceable text columns, not the counts', () => {
    const masker = createPiiMasker({
      rules: rules({ sensitive: [{ column: 'customers.name', kind: 'person_name' }] }),
    });
    const read = scope(
      ['customers'],
      [
        ['customers', 'name'],
        ['customers', 'plan'],
      ],
    );
    const masked = masker.maskResult(
      result(
        ['who', 'plan', 'n'],
        [
          ['JANE DOE', 'pro', 3],
          ['JOHN ROE', 'free', 1],
        ],
      ),
      read,
    );
    expect(masked.rows).toEqual([
      ['J*** D***', 'pro', 3],
      ['J*** R***', 'free', 1],
    ]);
    // only filtering on it: nothing to hide in a count
    const filtered = masker.maskResult(result(['n'], [[2]]), read);
    expect(filtered.rows).toEqual([[2]]);
  });
});

describe('sessions', () => {
  it('mask a raw value the model echoes, even one no detector would find', () => {
    const masker = createPiiMasker({ rules: rules({ sensitive: [{ column: '*.name', kind: 'person_name' }] }) });
    const session = masker.session();
    session.forPeople(result(['name'], [['Jane Doe']]));
    expect(session.text('The top customer is Jane Doe (jane@example.com).')).toBe(
      'The top customer is J*** D*** (j***@example.com).',
    );
    expect(session.maskedValues).toBeGreaterThan(0);
  });

  it('give the model masked values by default and raw values when configured', () => {
    const rows = result(['email'], [['jane@example.com']]);
    expect(createPiiMasker().session().forModel(rows).rows).toEqual([['j***@example.com']]);
    const raw = createPiiMasker({ modelView: 'raw' }).session();
    expect(raw.forModel(rows).rows).toEqual([['jane@example.com']]);
    expect(raw.forPeople(rows).rows).toEqual([['j***@example.com']]);
  });
});

describe('derived values', () => {
  it('a value derived from a sensitive column that no longer looks like its kind stays visible', () => {
    const masker = createPiiMasker({ rules: rules({ sensitive: [{ column: 'customers.email', kind: 'email' }] }) });
    const masked = masker.maskResult(
      result(['domain', 'contact', 'n'], [['example.com', 'jane@example.com', 3]]),
      scope(['customers'], [['customers', 'email']]),
    );
    expect(masked.rows).toEqual([['example.com', 'j***@example.com', 3]]);
  });
});
