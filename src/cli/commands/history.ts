import type { Command } from 'commander';
import type { InvestigationEventBody } from '../../agent/index.js';
import { UsageError } from '../../common/errors.js';
import { formatTable } from '../format/table.js';
import { type CliIo, writeLine } from '../io.js';
import { renderEventLines } from '../render/events-text.js';
import { withContext } from './context.js';

export function registerHistoryCommands(program: Command, io: CliIo): void {
  program
    .command('history')
    .description('List recent investigations (newest first)')
    .option('--limit <n>', 'how many', '20')
    .option('--format <format>', 'text|json', 'text')
    .addHelpText('after', '\nExamples:\n  sleuth history\n  sleuth history --limit 5 --format json')
    .action(async (options: { limit: string; format: string }) => {
      const limit = Number.parseInt(options.limit, 10);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be 1..1000.');
      await withContext(io, async (context) => {
        const rows = await (await context.memory()).listInvestigations({ limit });
        if (options.format === 'json') {
          writeLine(io.stdout, JSON.stringify(rows));
          return;
        }
        if (rows.length === 0) {
          writeLine(io.stdout, 'No investigations yet. Try: sleuth ask "How many customers signed up last month?"');
          return;
        }
        writeLine(
          io.stdout,
          formatTable(
            ['id', 'created', 'status', 'connection', 'question'],
            rows.map((r) => [r.id, toIso(r.createdAt), r.status, r.connection, r.question]),
            { maxCellWidth: 60 },
          ),
        );
      });
    });

  program
    .command('show')
    .description('Replay a recorded investigation: every event, then the answer')
    .argument('<id>', 'investigation id (from sleuth history)')
    .option('--format <format>', 'text|json', 'text')
    .addHelpText('after', '\nExamples:\n  sleuth show 8b1d...\n  sleuth show 8b1d... --format json')
    .action(async (id: string, options: { format: string }) => {
      await withContext(io, async (context) => {
        const memory = await context.memory();
        const investigation = await memory.getInvestigation(id);
        if (!investigation) throw new UsageError(`No investigation with id ${id}. See sleuth history.`);
        const events = await memory.listEvents(id);
        if (options.format === 'json') {
          writeLine(io.stdout, JSON.stringify({ investigation, events }));
          return;
        }
        writeLine(io.stdout, `Question: ${investigation.question}`);
        writeLine(io.stdout, `Status: ${investigation.status} on ${investigation.connection}`);
        for (const event of events) {
          for (const line of renderEventLines(storedEventBody(event))) writeLine(io.stdout, line);
        }
      });
    });
}

/**
 * A stored event is `{ type, payload }`; the engine stores the whole body (type included) as payload, the FAQ tier
 * stores the body without its type. Both replay as the same event body.
 */
export function storedEventBody(event: { type: string; payload: unknown }): InvestigationEventBody {
  const payload = typeof event.payload === 'object' && event.payload !== null ? event.payload : {};
  return { ...payload, type: event.type } as InvestigationEventBody;
}

function toIso(value: unknown): string {
  return value instanceof Date ? value.toISOString().slice(0, 19).replace('T', ' ') : String(value);
}
