/**
 * `investigate`: a question through the whole engine (`context.ask`: FAQ tier, then the model's plan, schema
 * discovery, guarded SQL, self-correction). When the client sent a progressToken, each engine event goes out as an
 * MCP progress notification whose message starts with the event's kind (`plan:`, `step:`, `sql:`, `result:`...).
 * The request's abort signal (the client's notifications/cancelled, or its connection closing) cancels the
 * investigation, which is recorded as cancelled.
 */
import { z } from 'zod';
import { type FinalAnswer, finalAnswerSchema, type InvestigationEvent } from '../../agent/index.js';
import { mayAccessOwned } from '../../common/actor.js';
import { type ErrorCode, UpstreamError, UserError } from '../../common/errors.js';
import { connectionArg, defineTool, type RequestExtra, type ToolEnv } from './tool.js';

export const investigateTool = defineTool({
  name: 'investigate',
  title: 'Investigate a business question',
  description:
    'Answers a business question about the data like an analyst: plans, explores the schema, runs guarded read-only ' +
    'SQL, corrects itself and answers with key numbers, evidence (the SQL behind each claim) and caveats. Sends ' +
    'progress notifications (plan, steps, each SQL and its result) when the request carries a progressToken. Takes ' +
    'seconds to minutes; cancel the request to stop it. Common questions are answered instantly from verified queries.',
  input: z.object({
    question: z.string().min(1).max(4_000),
    connection: connectionArg,
    sessionId: z
      .string()
      .uuid()
      .optional()
      .describe('continue this Sleuth session (earlier answers are context); default: one session per MCP session'),
    faq: z.boolean().default(true).describe('false skips the verified-query tier and always investigates'),
  }),
  output: z.object({
    investigationId: z.string(),
    sessionId: z.string(),
    status: z.literal('succeeded'),
    answer: finalAnswerSchema,
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(args, env, extra) {
    const sessionId = await sessionFor(env, args.sessionId);
    const progress = progressSender(extra);
    let last: InvestigationEvent | undefined;
    for await (const event of env.context.ask({
      question: args.question,
      db: args.connection,
      sessionId,
      faq: args.faq,
      actor: env.actor,
      signal: extra.signal,
    })) {
      last = event;
      await progress(event);
    }
    // The SDK client handles notifications a microtask late: a progress notification read in the same chunk as the
    // response finds its handler gone. Letting the event loop turn before answering keeps the last one in its own write.
    await new Promise((resolve) => setImmediate(resolve));
    if (last?.type === 'failed') {
      const code = last.error.code as ErrorCode;
      const message = `The investigation ${last.investigationId} failed: ${last.error.message}`;
      throw code === 'INVESTIGATION_CANCELLED' ? new UserError(code, message) : new UpstreamError(code, message);
    }
    if (last?.type !== 'done') throw new UpstreamError('INTERNAL', 'The investigation ended without an answer.');
    const answer = { ...last.answer } as z.output<typeof finalAnswerSchema>;
    return {
      structured: { investigationId: last.investigationId, sessionId, status: 'succeeded' as const, answer },
      text: answerText(last.answer, last.investigationId),
    };
  },
});

async function sessionFor(env: ToolEnv, requested: string | undefined): Promise<string> {
  const memory = await env.context.memory();
  if (requested) {
    const found = await memory.getSession(requested);
    // The API's ownership rule: only its creator (or an admin) continues a session; anyone else's is reported like a
    // missing one, so a session id is not a credential.
    if (!found || !mayAccessOwned(env.actor, found.userId)) {
      throw new UserError('NOT_FOUND', `No Sleuth session ${requested}.`);
    }
    return requested;
  }
  env.session.sleuthSessionId ??= (await memory.createSession({ userId: env.actor.id })).id;
  return env.session.sleuthSessionId;
}

function progressSender(extra: RequestExtra): (event: InvestigationEvent) => Promise<void> {
  const token = extra._meta?.progressToken;
  let n = 0;
  return async (event) => {
    if (token === undefined) return;
    const message = progressMessage(event);
    if (!message) return;
    n++;
    await extra
      .sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: n, message } })
      .catch(() => undefined); // the client went away; the abort signal ends the investigation
  };
}

const MAX_SQL = 400;

/** One line per event, prefixed with its kind; undefined for events that are not progress (thinking, the end). */
export function progressMessage(event: InvestigationEvent): string | undefined {
  switch (event.type) {
    case 'plan':
      return `plan: ${event.steps.map((s) => `[${s.status}] ${s.title}`).join('; ')}`;
    case 'step_started':
      return `step ${event.step}: ${event.title}`;
    case 'tool_call':
      return `tool: ${event.summary}`;
    case 'sql': {
      const sql = event.sql.replace(/\s+/g, ' ').trim();
      const purpose = event.purpose ? ` (${event.purpose})` : '';
      return `sql${purpose}: ${sql.length > MAX_SQL ? `${sql.slice(0, MAX_SQL)}...` : sql}`;
    }
    case 'sql_result':
      return `result: ${event.rowCount} row${event.rowCount === 1 ? '' : 's'}${event.truncated ? ' (cut at the row cap)' : ''} in ${event.elapsedMs} ms`;
    case 'sql_error':
      return `sql error: ${event.code}: ${event.message}`;
    case 'insight':
      return `insight: ${event.text}`;
    case 'budget':
      return event.exhausted ? `budget: ${event.kind} exhausted (${event.used}/${event.limit})` : undefined;
    // The tool result itself reports the end; model text is not progress.
    case 'done':
    case 'failed':
    case 'thinking':
      return undefined;
  }
}

function answerText(answer: FinalAnswer, investigationId: string): string {
  const lines = [answer.text];
  if (answer.keyNumbers.length > 0) {
    lines.push('', 'Key numbers:');
    for (const k of answer.keyNumbers) lines.push(`- ${k.label}: ${k.value}${k.unit ? ` ${k.unit}` : ''}`);
  }
  if (answer.evidence.length > 0) {
    lines.push('', 'Evidence:');
    for (const e of answer.evidence) lines.push(`- ${e.claim}`, '```sql', e.sql.trim(), '```');
  }
  if (answer.caveats.length > 0) {
    lines.push('', 'Caveats:');
    for (const c of answer.caveats) lines.push(`- ${c}`);
  }
  if (answer.partial) lines.push('', '(partial answer: a budget ran out or the investigation stopped early)');
  lines.push('', `(investigation ${investigationId})`);
  return lines.join('\n');
}
