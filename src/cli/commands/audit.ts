import type { Command } from 'commander';
import { parseSince } from '../../audit/index.js';
import { systemClock } from '../../common/clock.js';
import { writeCsv } from '../../common/csv.js';
import { UsageError } from '../../common/errors.js';
import type { AuditRecord } from '../../memory/index.js';
import { formatTable } from '../format/table.js';
import { type CliIo, writeLine } from '../io.js';
import { withContext } from './context.js';

const AUDIT_HELP = `
The audit log has one entry per question (action ask), per SQL statement (action sql: connection, verdict, rows,
duration), per refusal by a limit, a cost budget or a permission (verdict refused, with its code), and Slack
feedback; each says who (actor kind:id and label) and from where (front end, Slack workspace/channel).
Verdicts: allowed, rejected (the SQL guard), refused (a limit, budget or permission), error.

Entries older than the retention (SLEUTH_AUDIT_RETENTION_DAYS or audit.retentionDays, default 90; 0 keeps them)
are deleted when Sleuth opens its memory and daily while it runs; --purge runs that deletion now.

Examples:
  sleuth audit                                   the latest 100 entries
  sleuth audit --since 7d --user U024BE7LH       one user's last week
  sleuth audit --since 2026-11-01 --action sql --verdict refused,rejected --format csv > refused.csv
  sleuth audit --action ask --format json --limit 1000
  sleuth audit --purge`;

const FORMATS = ['table', 'json', 'csv'] as const;
type AuditFormat = (typeof FORMATS)[number];

interface AuditOptions {
  since?: string;
  until?: string;
  user?: string;
  action?: string[];
  verdict?: string[];
  format: string;
  limit: string;
  purge?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

export function registerAuditCommand(program: Command, io: CliIo): void {
  program
    .command('audit')
    .description('Show the audit log: questions, SQL statements and refusals, who and from where (newest first)')
    .option('--since <when>', 'entries since a span ago (30m, 12h, 7d, 2w) or a date/time (2026-11-01)')
    .option('--until <when>', 'entries before a span ago or a date/time')
    .option('--user <id>', "only this actor's entries (Slack user id, API key id, CLI user)")
    .option(
      '--action <actions>',
      'only these actions, comma separated or repeated: ask, sql, schema, api_request, feedback...',
      collect,
    )
    .option('--verdict <verdicts>', 'only these verdicts: allowed, rejected, refused, error', collect)
    .option('--format <format>', `output format: ${FORMATS.join('|')}`, 'table')
    .option('--limit <n>', 'at most this many entries (1..100000)', '100')
    .option('--purge', 'delete the entries older than the retention now, and say how many')
    .addHelpText('after', AUDIT_HELP)
    .action(async (options: AuditOptions) => {
      const format = parseFormat(options.format);
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new UsageError('--limit must be 1..100000.');
      const now = systemClock();
      const since = options.since === undefined ? undefined : parseSince(options.since, now);
      const until = options.until === undefined ? undefined : parseSince(options.until, now);
      await withContext(io, async (context) => {
        if (options.purge) {
          await context.memory();
          await context.audit.purge();
          const days = context.audit.retentionDays;
          writeLine(
            io.stdout,
            days === 0
              ? 'Audit retention is off (0 days): nothing was deleted.'
              : `Deleted ${context.audit.purgedTotal} audit entr${context.audit.purgedTotal === 1 ? 'y' : 'ies'} older than ${days} days.`,
          );
          return;
        }
        const records = await context.audit.list({
          since,
          until,
          actor: options.user,
          actions: options.action,
          verdicts: options.verdict,
          limit,
        });
        printAudit(io, records, format);
      });
    });
}

function parseFormat(format: string): AuditFormat {
  if ((FORMATS as readonly string[]).includes(format)) return format as AuditFormat;
  throw new UsageError(`--format must be one of ${FORMATS.join(', ')}.`);
}

const CSV_COLUMNS = [
  'id',
  'at',
  'actor_kind',
  'actor',
  'actor_label',
  'workspace',
  'channel',
  'action',
  'connection',
  'investigation_id',
  'verdict',
  'code',
  'row_count',
  'duration_ms',
  'sql',
  'question',
  'reason',
  'detail',
];

export function printAudit(io: CliIo, records: readonly AuditRecord[], format: AuditFormat): void {
  if (format === 'json') {
    writeLine(io.stdout, JSON.stringify(records));
    return;
  }
  if (format === 'csv') {
    io.stdout.write(
      writeCsv(
        CSV_COLUMNS,
        records.map((r) => [
          r.id,
          r.at.toISOString(),
          r.actorKind,
          r.actor,
          r.actorLabel,
          r.workspace,
          r.channel,
          r.action,
          r.connection,
          r.investigationId,
          r.verdict,
          r.code,
          r.rowCount,
          r.durationMs,
          r.sql,
          detailText(r.detail, 'question'),
          detailText(r.detail, 'reason'),
          r.detail === null ? null : JSON.stringify(r.detail),
        ]),
      ),
    );
    return;
  }
  if (records.length === 0) {
    writeLine(io.stdout, 'No audit entries match.');
    return;
  }
  writeLine(
    io.stdout,
    formatTable(
      ['at', 'actor', 'from', 'action', 'connection', 'verdict', 'code', 'rows', 'ms', 'what'],
      records.map((r) => [
        r.at.toISOString().slice(0, 19).replace('T', ' '),
        actorText(r),
        [r.workspace, r.channel].filter(Boolean).join('/') || '-',
        r.action,
        r.connection ?? '-',
        r.verdict ?? '-',
        r.code ?? '',
        r.rowCount,
        r.durationMs,
        oneLine(detailText(r.detail, 'question') ?? r.sql ?? detailText(r.detail, 'reason') ?? ''),
      ]),
      { maxCellWidth: 70 },
    ),
  );
  writeLine(io.stdout, `(${records.length} entr${records.length === 1 ? 'y' : 'ies'}, newest first)`);
}

function actorText(r: AuditRecord): string {
  if (!r.actor) return '-';
  const id = r.actorKind ? `${r.actorKind}:${r.actor}` : r.actor;
  return r.actorLabel ? `${id} (${r.actorLabel})` : id;
}

function detailText(detail: unknown, key: string): string | null {
  if (detail === null || typeof detail !== 'object') return null;
  const value = (detail as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : null;
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
