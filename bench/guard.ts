/**
 * Guard throughput: statements checked per second per dialect, over the attack and legitimate fixtures
 * (a realistic mix of short rejections and full parses). Usage: npm run bench:guard [-- --seconds 2]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createSqlGuard, SQL_DIALECTS, type SqlDialect } from '../src/sql/index.js';

interface Entry {
  sql: string;
  dialects?: SqlDialect[];
}

const secondsArg = process.argv.indexOf('--seconds');
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 1.5;
const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures', 'sql');
const load = (file: string) => parse(readFileSync(join(fixtures, file), 'utf8')) as Entry[];

const guard = await createSqlGuard();
for (const [label, file] of [
  ['legit', 'legit.yaml'],
  ['attacks', 'attacks.yaml'],
] as const) {
  const entries = load(file);
  for (const dialect of SQL_DIALECTS) {
    const statements = entries.filter((e) => (e.dialects ?? SQL_DIALECTS).includes(dialect)).map((e) => e.sql);
    for (let i = 0; i < 200; i++) guard.check(statements[i % statements.length]!, dialect); // warm up
    let checked = 0;
    const started = performance.now();
    const until = started + seconds * 1000;
    while (performance.now() < until) {
      for (const sql of statements) guard.check(sql, dialect);
      checked += statements.length;
    }
    const elapsed = (performance.now() - started) / 1000;
    const perSecond = Math.round(checked / elapsed);
    console.log(
      `guard ${dialect.padEnd(8)} ${label.padEnd(7)} statements=${statements.length} checked=${checked} per_second=${perSecond} mean_us=${((elapsed / checked) * 1e6).toFixed(1)}`,
    );
  }
}
