import type { Command } from 'commander';
import { cliActor } from '../../common/actor.js';
import { UsageError } from '../../common/errors.js';
import type { FaqOutcome } from '../../knowledge/index.js';
import { type CliIo, readAll, writeLine } from '../io.js';
import { withContext } from './context.js';

const HELP = `
Answers questions with the FAQ tier only: verified queries, no model, never the agent. The same path as
\`sleuth ask\`, Slack mentions and /sleuth-faq (the knowledge base's answerFaq under your access policy), for
batch evaluation and scripts.

Input: one question per line on stdin (blank lines are skipped), or questions as arguments.
Output (--format json): one JSON object per line and question:
  question         the question as given
  outcome          answered | ask_back | miss
  verified_query   the verified query's name (answered, ask_back), else null
  parameters       name -> value as filled; a date range is {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}, end
                   exclusive (answered only, else {})
  columns, rows    the result (answered only, else [])
  interpretation   how the question was read, in words (answered, ask_back), else null
  prompt           the question asked back (ask_back only)
  reason           why no verified query answers it (miss only, when one came close)
Time is SLEUTH_NOW when set ("last month" is relative to it); --db picks the connection.

Examples:
  printf 'revenue last month\\nhow many customers in total?\\n' | sleuth faq --format json
  sleuth faq "top 5 products by revenue this year"
  SLEUTH_NOW=2026-11-15 sleuth faq --format json --db demo < questions.txt`;

export interface FaqJsonLine {
  question: string;
  outcome: FaqOutcome['kind'];
  verified_query: string | null;
  parameters: Record<string, unknown>;
  columns: string[];
  rows: unknown[][];
  interpretation: string | null;
  prompt?: string;
  reason?: string;
}

/** One FAQ outcome as the stable JSON line of `sleuth faq --format json`. */
export function faqJsonLine(question: string, outcome: FaqOutcome): FaqJsonLine {
  if (outcome.kind === 'answered') {
    return {
      question,
      outcome: 'answered',
      verified_query: outcome.verifiedQuery.name,
      parameters: { ...(outcome.values ?? {}) },
      columns: outcome.result.columns.map((c) => c.name),
      rows: outcome.result.rows,
      interpretation: outcome.interpretation?.text ?? null,
    };
  }
  if (outcome.kind === 'ask_back') {
    return {
      question,
      outcome: 'ask_back',
      verified_query: outcome.verifiedQuery.name,
      parameters: {},
      columns: [],
      rows: [],
      interpretation: outcome.interpretation?.text ?? null,
      prompt: outcome.prompt,
    };
  }
  return {
    question,
    outcome: 'miss',
    verified_query: null,
    parameters: {},
    columns: [],
    rows: [],
    interpretation: null,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
  };
}

export function registerFaqCommand(program: Command, io: CliIo): void {
  program
    .command('faq')
    .description(
      'Answer questions from verified queries only (no model): one JSON line per question with --format json',
    )
    .argument('[questions...]', 'questions (default: one per line on stdin)')
    .option('--db <connection>', 'connection name (default: the default connection)')
    .option('--format <format>', 'json|text', 'text')
    .addHelpText('after', HELP)
    .action(async (args: string[], options: { db?: string; format: string }) => {
      if (options.format !== 'json' && options.format !== 'text')
        throw new UsageError('--format must be json or text.');
      const questions = (args.length > 0 ? args : (await readAll(io.stdin)).split(/\r?\n/))
        .map((q) => q.trim())
        .filter((q) => q.length > 0);
      await withContext(io, async (context) => {
        const base = await context.knowledge();
        for (const question of questions) {
          const outcome = await base.answerFaq({ question, connection: options.db, actor: cliActor(io.env) });
          if (options.format === 'json') {
            writeLine(io.stdout, JSON.stringify(faqJsonLine(question, outcome)));
            continue;
          }
          writeLine(io.stdout, `? ${question}`);
          if (outcome.kind === 'answered') {
            writeLine(io.stdout, `  ${outcome.interpretation?.text ?? outcome.verifiedQuery.description}`);
            writeLine(io.stdout, `  verified query: ${outcome.verifiedQuery.name}`);
            if (outcome.sentence) writeLine(io.stdout, `  ${outcome.sentence}`);
          } else if (outcome.kind === 'ask_back') {
            writeLine(io.stdout, `  asks back (${outcome.verifiedQuery.name}): ${outcome.prompt}`);
          } else {
            writeLine(
              io.stdout,
              `  no verified query answers it: it would go to the agent${outcome.nearest.length ? ` (nearest: ${outcome.nearest.map((n) => n.name).join(', ')})` : ''}`,
            );
          }
        }
      });
    });
}
