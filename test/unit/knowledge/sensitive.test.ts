import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SleuthError } from '../../../src/common/errors.js';
import { loadKnowledgeFiles, loadSensitiveColumns, parseSensitiveFile } from '../../../src/knowledge/index.js';

const dirWith = (text?: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'sleuth-sensitive-'));
  if (text !== undefined) writeFileSync(join(dir, 'sensitive.yaml'), text);
  return dir;
};

async function failure(promise: Promise<unknown>): Promise<SleuthError> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: SleuthError) => error,
  );
}

describe('knowledge/sensitive.yaml', () => {
  it('reads sensitive and not-sensitive columns (lower-cased, schema dropped, * for every table)', async () => {
    const rules = await loadSensitiveColumns(
      dirWith(`
sensitive:
  - column: Customers.Name
    kind: person_name
    reason: contact data
  - column: hr.employees.salary
    connection: warehouse
  - column: "*.notes"
not_sensitive:
  - column: shipments.tracking_code
    reason: carrier codes look like card numbers
`),
    );
    expect(rules).toEqual({
      sensitive: [
        { table: 'customers', column: 'name', kind: 'person_name', reason: 'contact data' },
        { table: 'employees', column: 'salary', connection: 'warehouse' },
        { table: '*', column: 'notes' },
      ],
      notSensitive: [{ table: 'shipments', column: 'tracking_code', reason: 'carrier codes look like card numbers' }],
    });
  });

  it('treats a missing file as no rules', async () => {
    expect(await loadSensitiveColumns(dirWith())).toEqual({ sensitive: [], notSensitive: [] });
  });

  it('refuses bad entries with one clear line each', () => {
    const { problems, rules } = parseSensitiveFile({
      sensitive: [{ column: 'email' }, { column: 'customers.email', kind: 'postcode' }, { column: 'a.b', colour: 1 }],
      not_sensitive: [{ column: 'orders.total', kind: 'card' }],
      extra: true,
    });
    expect(rules).toEqual({ sensitive: [], notSensitive: [] });
    expect(problems).toEqual([
      'sensitive.yaml: sensitive.0.column: a column as table.column (or *.column for every table)',
      expect.stringMatching(/^sensitive\.yaml: sensitive\.1\.kind: Invalid option: expected one of "email"\|"phone"/),
      'sensitive.yaml: sensitive.2: Unrecognized key: "colour"',
      'sensitive.yaml: not_sensitive.0: Unrecognized key: "kind"',
      'sensitive.yaml: (file): Unrecognized key: "extra"',
    ]);
  });

  it('refuses a column in both lists', () => {
    expect(
      parseSensitiveFile({ sensitive: [{ column: 'customers.email' }], not_sensitive: [{ column: 'Customers.Email' }] })
        .problems,
    ).toEqual([
      'sensitive.yaml: not_sensitive.0.column: customers.email is also listed as sensitive; keep it in one list.',
    ]);
  });

  it('fails loading (masking is never silently off) and reports with the other knowledge files', async () => {
    const dir = dirWith('sensitive:\n  - column: [oops\n');
    const error = await failure(loadSensitiveColumns(dir));
    expect(error.code).toBe('KNOWLEDGE_INVALID');
    expect(error.message).toMatch(/sensitive\.yaml is not valid YAML/);
    const bad = dirWith('sensitive:\n  - column: nodot\n');
    const both = await failure(loadKnowledgeFiles(bad));
    expect(both.code).toBe('KNOWLEDGE_INVALID');
    expect(both.message).toContain('sensitive.yaml: sensitive.0.column: a column as table.column');
  });
});
