import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ChartKind } from '../../agent/events.js';
import type { InvestigationEvent } from '../../agent/index.js';
import { cliActor } from '../../common/actor.js';
import { type ErrorCode, UpstreamError, UsageError } from '../../common/errors.js';
import type { SleuthContext } from '../../main.js';
import { type CliIo, readAll, writeLine } from '../io.js';
import { renderEventLines } from '../render/events-text.js';
import { withContext } from './context.js';

const ASK_HELP = `
Sleuth plans, explores the schema, runs guarded read-only SQL, corrects itself and answers with the evidence.
Progress is shown live; every event is recorded (see \`sleuth history\` and \`sleuth show ID\`). Ctrl-C cancels.
Common questions are answered instantly from verified queries (the FAQ tier, no model; see \`sleuth kb\`).
Everything else needs a model: ANTHROPIC_API_KEY, or SLEUTH_LLM_BASE_URL + SLEUTH_MODEL (OpenAI-compatible).

Examples:
  sleuth ask "How many customers signed up last month, and which channel drove it?"
  sleuth ask --db warehouse --format json "Refunds by region last quarter"
  sleuth ask --session 3f2c... "And the month before?"     follow-up with the earlier answers as context`;

interface AskOptions {
  db?: string;
  format: string;
  session?: string;
  faq: boolean;
  chart?: string;
}

export function registerAskCommand(program: Command, io: CliIo): void {
  program
    .command('ask')
    .description('Investigate a business question on a connection and answer with evidence')
    .argument('<question>', 'the question, or - to read it from stdin')
    .option('--db <name|url>', 'connection name or URL (default: the configured default connection)')
    .option('--format <format>', 'output: text (live progress) | json (the final answer object)', 'text')
    .option('--session <id>', 'continue a session: earlier answers are summarised for the model')
    .option('--no-faq', 'skip the FAQ tier (verified queries) and always investigate with the model')
    .option('--chart <file.png>', 'also draw the last result as a chart (line, bar or scatter, chosen from its shape)')
    .addHelpText('after', ASK_HELP)
    .action(async (questionArgument: string, options: AskOptions) => {
      if (options.format !== 'text' && options.format !== 'json') {
        throw new UsageError('--format must be one of text, json.');
      }
      const question = (questionArgument === '-' ? await readAll(io.stdin) : questionArgument).trim();
      if (!question) throw new UsageError('The question is empty.');
      await withContext(io, async (context) => {
        const memory = await context.memory();
        const sessionId = options.session ?? (await memory.createSession({})).id;
        await runAsk(io, context, {
          question,
          db: options.db,
          sessionId,
          format: options.format,
          faq: options.faq,
          chart: options.chart,
        });
      });
    });

  program
    .command('rerun')
    .description(
      'Run a recorded investigation again (e.g. one marked interrupted) with the same question and connection',
    )
    .argument('<id>', 'investigation id (from sleuth history)')
    .option('--format <format>', 'text|json', 'text')
    .addHelpText('after', '\nExamples:\n  sleuth history\n  sleuth rerun 8b1d...')
    .action(async (id: string, options: { format: string }) => {
      await withContext(io, async (context) => {
        context.model();
        const memory = await context.memory();
        const earlier = await memory.getInvestigation(id);
        if (!earlier) throw new UsageError(`No investigation with id ${id}. See sleuth history.`);
        const sessionId = earlier.sessionId ?? (await memory.createSession({})).id;
        await runAsk(io, context, {
          question: earlier.question,
          db: earlier.connection,
          sessionId,
          format: options.format,
        });
      });
    });
}

async function runAsk(
  io: CliIo,
  context: SleuthContext,
  options: { question: string; db?: string; sessionId: string; format: string; faq?: boolean; chart?: string },
): Promise<void> {
  const { question, sessionId } = options;
  const abort = new AbortController();
  const unsubscribe = io.onInterrupt?.(() => abort.abort()) ?? (() => undefined);
  let last: InvestigationEvent | undefined;
  let lastResult: Extract<InvestigationEvent, { type: 'sql_result' }> | undefined;
  const spinner = createSpinner(io);
  try {
    const events = context.ask({
      question,
      db: options.db,
      sessionId,
      signal: abort.signal,
      faq: options.faq,
      actor: cliActor(io.env),
    });
    for await (const event of events) {
      last = event;
      if (event.type === 'sql_result') lastResult = event;
      if (options.format !== 'text') continue;
      spinner.stop();
      for (const line of renderEventLines(event)) writeLine(io.stdout, line);
      if (event.type === 'sql') spinner.start('running SQL');
      else if (event.type === 'step_started') spinner.start('thinking');
    }
  } finally {
    spinner.stop();
    unsubscribe();
  }
  if (options.chart && last?.type === 'done') await writeChart(io, options.chart, lastResult, last.answer.chart);
  if (options.format === 'json') {
    writeLine(io.stdout, JSON.stringify(finalObject(last, sessionId)));
  } else if (last) {
    writeLine(io.stdout, `\n(investigation ${last.investigationId}, session ${sessionId})`);
  }
  if (last?.type === 'failed') {
    throw new UpstreamError(last.error.code as ErrorCode, `The investigation failed: ${last.error.message}`);
  }
}

async function writeChart(
  io: CliIo,
  file: string,
  result: Extract<InvestigationEvent, { type: 'sql_result' }> | undefined,
  requested: ChartKind | 'none' | undefined,
): Promise<void> {
  // charts (vega, resvg) load only when there is a result to draw
  const chart = result
    ? await (await import('../../charts/index.js')).renderResultChart(result, { requested })
    : undefined;
  if (!chart) {
    writeLine(io.stderr, 'No chart: the last result is not a time series, a breakdown or two measures.');
    return;
  }
  await writeFile(file, chart.png);
  writeLine(io.stderr, `Chart (${chart.kind}, ${chart.width}x${chart.height}) written to ${file}.`);
}

function finalObject(last: InvestigationEvent | undefined, sessionId: string): Record<string, unknown> {
  if (!last) return { status: 'failed', sessionId };
  if (last.type === 'done') {
    return { status: 'succeeded', investigationId: last.investigationId, sessionId, answer: last.answer };
  }
  if (last.type === 'failed')
    return { status: 'failed', investigationId: last.investigationId, sessionId, error: last.error };
  return { status: 'unknown', investigationId: last.investigationId, sessionId };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A one-line spinner with elapsed time, only on a terminal (pipes and tests get plain lines). */
function createSpinner(io: CliIo): { start(label: string): void; stop(): void } {
  const tty = (io.stdout as { isTTY?: boolean }).isTTY === true;
  let timer: NodeJS.Timeout | undefined;
  return {
    start(label) {
      if (!tty) return;
      const started = Date.now();
      let frame = 0;
      timer = setInterval(() => {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        io.stdout.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label} ${seconds}s`);
      }, 100);
    },
    stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      io.stdout.write('\r\u001b[2K');
    },
  };
}
