import type { Command } from 'commander';
import { cliActor } from '../../common/actor.js';
import { UsageError } from '../../common/errors.js';
import type { TableDescription } from '../../sql/introspect/index.js';
import { type CliIo, writeLine } from '../io.js';
import { withContext } from './context.js';

const SCHEMA_HELP = `
Lists tables and views with their columns, types, nullability, primary and foreign keys, comments and approximate
row counts. Catalog queries pass the SQL guard and run read-only like any other query. Under an access policy it
shows what the caller may see: hidden tables are left out, denied columns too, masked columns are marked.

Examples:
  sleuth schema
  sleuth schema --db warehouse --table orders
  sleuth schema --format json > schema.json`;

interface SchemaOptions {
  db?: string;
  format: string;
  table?: string;
}

export function registerSchemaCommand(program: Command, io: CliIo): void {
  program
    .command('schema')
    .description('Show the schema of a connection (tables, columns, keys, comments, row estimates)')
    .option('--db <name|url>', 'connection name or URL (default: the configured default connection)')
    .option('--format <format>', 'output format: text|json', 'text')
    .option('--table <name>', 'describe only this table')
    .addHelpText('after', SCHEMA_HELP)
    .action(async (options: SchemaOptions) => {
      if (options.format !== 'text' && options.format !== 'json') {
        throw new UsageError('--format must be one of text, json.');
      }
      await withContext(io, async (context) => {
        const view = await context.schema({ db: options.db, table: options.table, actor: cliActor(io.env) });
        const { tables } = view;
        if (options.format === 'json') {
          writeLine(io.stdout, JSON.stringify(view, null, 2));
          return;
        }
        writeLine(io.stdout, `${view.connection} (${view.dialect}): ${tables.length} table(s)`);
        for (const table of tables) writeLine(io.stdout, `\n${describe(table)}`);
      });
    });
}

export function describe(table: TableDescription): string {
  const name = table.schema ? `${table.schema}.${table.name}` : table.name;
  const rows = table.rowEstimate === null ? '' : ` ~${table.rowEstimate.toLocaleString('en-US')} rows`;
  const lines = [`${name} (${table.kind}${rows})${table.comment ? ` -- ${table.comment}` : ''}`];
  for (const c of table.columns) {
    const flags = [c.primaryKey ? 'PK' : '', c.nullable ? 'null' : 'not null', c.masked ? 'masked' : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${c.name} ${c.type} [${flags}]${c.comment ? ` -- ${c.comment}` : ''}`);
  }
  for (const fk of table.foreignKeys) {
    lines.push(`  FK (${fk.columns.join(', ')}) -> ${fk.references.table}(${fk.references.columns.join(', ')})`);
  }
  return lines.join('\n');
}
