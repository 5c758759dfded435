import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import { redactUrl } from '../../common/redact.js';
import type { DemoLoadResult, DemoOptions } from '../../demo/index.js';
// the defaults only: the generators and database drivers load when the command runs
import { DEFAULT_DEMO_SCALE, DEFAULT_DEMO_SEED } from '../../demo/options.js';
import { type CliIo, writeLine } from '../io.js';

const DIALECTS = ['sqlite', 'postgres', 'mariadb'] as const;
type Dialect = (typeof DIALECTS)[number];

export const DEMO_DB_HELP = `
Generates a fictional company's data (customers, orders, subscriptions, refunds, marketing spend, support tickets;
about 110k rows at scale 1) and loads it. The same --seed, --scale and --now always give identical data. History
covers the three years before --now, with three planted stories to find: a paid_social signup spike that churned,
a refund surge in Europe, and a best-selling product sold below cost.

PostgreSQL and MariaDB: the demo tables (and only those) are dropped and recreated in the database of --url.
SQLite: the file at --out is replaced atomically.

Examples:
  sleuth demo-db --dialect sqlite
  sleuth demo-db --dialect sqlite --out /tmp/shop.sqlite --scale 10 --now 2025-06-30
  sleuth demo-db --dialect postgres --url postgres://postgres@127.0.0.1:5432/demo
  sleuth demo-db --dialect mariadb --url mysql://root@127.0.0.1:3306/demo --seed 7`;

interface DemoDbOptions {
  dialect: string;
  url?: string;
  out?: string;
  scale?: string;
  seed?: string;
  now?: string;
}

export function registerDemoDbCommand(program: Command, io: CliIo): void {
  program
    .command('demo-db')
    .description('Generate the seeded demo dataset and load it into SQLite, PostgreSQL or MariaDB')
    .requiredOption('--dialect <dialect>', `target database: ${DIALECTS.join('|')}`)
    .option('--url <url>', 'connection URL (postgres and mariadb; required for them)')
    .option('--out <file>', 'SQLite file to write (default: .sleuth/demo.sqlite)')
    .option('--scale <n>', `size multiplier for customers, orders and tickets (default: ${DEFAULT_DEMO_SCALE})`)
    .option('--seed <n>', `random seed (default: ${DEFAULT_DEMO_SEED})`)
    .option('--now <YYYY-MM-DD>', 'date the data ends at (default: SLEUTH_NOW, else today)')
    .addHelpText('after', DEMO_DB_HELP)
    .action(async (options: DemoDbOptions) => {
      const dialect = parseDialect(options.dialect);
      const demoOptions: DemoOptions = {
        seed: parseSeed(options.seed),
        scale: parseScale(options.scale),
        anchor: parseNow(options.now ?? io.env.SLEUTH_NOW, options.now === undefined ? 'SLEUTH_NOW' : '--now'),
      };
      const { target, load } = targetFor(dialect, options, io);
      const result = await load(demoOptions);
      const { DEMO_TABLES } = await import('../../demo/index.js');
      printSummary(io, result, demoOptions, target, DEMO_TABLES);
    });
}

function targetFor(
  dialect: Dialect,
  options: DemoDbOptions,
  io: CliIo,
): { target: string; load: (o: DemoOptions) => Promise<DemoLoadResult> } {
  if (dialect === 'sqlite') {
    if (options.url !== undefined) throw new UsageError('--url is for postgres and mariadb; use --out for sqlite.');
    const path = resolve(io.cwd, options.out ?? '.sleuth/demo.sqlite');
    return { target: path, load: async (o) => (await import('../../demo/index.js')).loadDemoSqlite(path, o) };
  }
  if (options.out !== undefined) throw new UsageError('--out is for sqlite; use --url for postgres and mariadb.');
  const url = options.url;
  if (!url) throw new UsageError(`--url is required for --dialect ${dialect}.`);
  const schemes = dialect === 'postgres' ? ['postgres:', 'postgresql:'] : ['mysql:', 'mariadb:'];
  if (!schemes.some((s) => url.toLowerCase().startsWith(s))) {
    throw new UsageError(`--url for ${dialect} must start with ${schemes.map((s) => `${s}//`).join(' or ')}.`);
  }
  return {
    target: redactUrl(url),
    load: async (o) => {
      const { loadDemoMariadb, loadDemoPostgres } = await import('../../demo/index.js');
      return dialect === 'postgres' ? loadDemoPostgres(url, o) : loadDemoMariadb(url, o);
    },
  };
}

function parseDialect(value: string): Dialect {
  if ((DIALECTS as readonly string[]).includes(value)) return value as Dialect;
  throw new UsageError(`--dialect must be one of ${DIALECTS.join(', ')}.`);
}

function parseScale(value: string | undefined): number {
  if (value === undefined) return DEFAULT_DEMO_SCALE;
  const scale = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(scale > 0) || scale > 1000) {
    throw new UsageError(`--scale must be a number above 0 and at most 1000 (got "${value}").`);
  }
  return scale;
}

function parseSeed(value: string | undefined): number {
  if (value === undefined) return DEFAULT_DEMO_SEED;
  if (!/^-?\d{1,15}$/.test(value)) throw new UsageError(`--seed must be an integer (got "${value}").`);
  return Number(value);
}

function parseNow(value: string | undefined, source: string): Date {
  if (value === undefined || value === '') return new Date();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const parsed = dateOnly ? new Date(`${value}T00:00:00Z`) : new Date(value);
  const valid = !Number.isNaN(parsed.getTime()) && (!dateOnly || parsed.toISOString().startsWith(value));
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || !valid) {
    throw new UsageError(`${source} must be a date like 2025-06-30 (got "${value}").`);
  }
  return parsed;
}

function printSummary(
  io: CliIo,
  result: DemoLoadResult,
  options: DemoOptions,
  target: string,
  DEMO_TABLES: readonly string[],
): void {
  const width = Math.max(...DEMO_TABLES.map((t) => t.length));
  const anchor = options.anchor?.toISOString().slice(0, 10) ?? '';
  writeLine(io.stdout, `Demo data (seed ${options.seed}, scale ${options.scale}, ending before ${anchor}):`);
  let total = 0;
  for (const table of DEMO_TABLES) {
    const rows = result.tables[table] ?? 0;
    total += rows;
    writeLine(io.stdout, `  ${table.padEnd(width)}  ${rows.toLocaleString('en-US').padStart(11)}`);
  }
  writeLine(io.stdout, `  ${'total'.padEnd(width)}  ${total.toLocaleString('en-US').padStart(11)} rows`);
  writeLine(io.stdout, `Loaded into ${result.dialect} in ${(result.elapsedMs / 1000).toFixed(1)} s: ${target}`);
}
