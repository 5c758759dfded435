/**
 * The API's request and response shapes, in zod: requests are validated with them and /openapi.json is generated
 * from the same objects. Connections are configured names only, never URLs (an API caller must not make Sleuth
 * connect somewhere new).
 */
import { z } from 'zod';
import { finalAnswerSchema } from '../agent/index.js';
import { connectionNameSchema } from '../config/index.js';
import { verifiedQueryFileSchema } from '../knowledge/index.js';
import { tableDescriptionSchema } from '../sql/introspect/index.js';

export const connectionName = connectionNameSchema.describe('A configured connection name (not a URL).');
const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower case letters, digits and _, starting with a letter');
const id = z.string().min(1).max(100);

// ---- requests

export const idParams = z.object({ id: id.describe('Investigation id') });
export const nameParams = z.object({ name: identifier.describe('Verified query name') });
export const proposalParams = z.object({ id: id.describe('Proposal id') });

export const createInvestigationBody = z.strictObject({
  question: z.string().trim().min(1).max(4000).describe('The business question, in plain language.'),
  connection: connectionName.optional(),
  sessionId: id.optional().describe('A session from POST /api/v1/sessions: follow-ups see earlier turns.'),
  faq: z.boolean().optional().describe('false: skip the FAQ tier (verified queries) and always investigate.'),
});

export const eventsQuery = z.object({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Only events after this seq (same as the Last-Event-ID header).'),
});

export const feedbackBody = z.strictObject({
  helpful: z.boolean(),
  note: z.string().trim().min(1).max(2000).optional(),
});

export const executeBody = z.strictObject({
  sql: z.string().min(1).max(100_000).describe('One read-only statement; the guard refuses anything else.'),
  connection: connectionName.optional(),
});

export const schemaQuery = z.object({
  connection: connectionName.optional(),
  table: z.string().min(1).max(200).optional().describe('Describe only this table.'),
});

export const knowledgeSearchQuery = z.object({
  q: z.string().trim().min(1).max(1000).describe('A question or keywords.'),
  connection: connectionName.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(5),
});

export const verifiedQueryBody = verifiedQueryFileSchema;

export const confirmProposalBody = z.strictObject({
  name: identifier.describe('Name of the verified query file to write.'),
  owner: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(500).optional(),
});

// ---- responses

export const errorResponse = z.object({
  error: z.object({
    code: z.string().describe('Stable error code (docs/api.md: Errors).'),
    message: z.string(),
    requestId: z.string().optional(),
    guardCode: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

const status = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']);

export const investigationLinks = z.object({
  self: z.string(),
  events: z.string().describe('Server-Sent Events: replay, then live.'),
  websocket: z.string().describe('WebSocket path: replay, then live.'),
  cancel: z.string(),
  feedback: z.string(),
});

export const acceptedInvestigation = z.object({
  id: z.string(),
  status,
  sessionId: z.string().nullable(),
  links: investigationLinks,
});

export const investigationView = z.object({
  id: z.string(),
  status,
  question: z.string(),
  connection: z.string(),
  sessionId: z.string().nullable(),
  answer: finalAnswerSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  steps: z.number().int().describe('Model turns taken.'),
  sqlRuns: z.number().int(),
  usage: z.object({
    provider: z.string().nullable(),
    model: z.string().nullable(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: z.number(),
  }),
  timings: z.object({
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    queuedMs: z.number().nullable().describe('Created to started.'),
    durationMs: z.number().nullable().describe('Started to finished: the engine time.'),
  }),
  links: investigationLinks,
});

export const investigationEvent = z
  .object({
    type: z.enum([
      'plan',
      'step_started',
      'thinking',
      'tool_call',
      'sql',
      'sql_result',
      'sql_error',
      'insight',
      'budget',
      'done',
      'failed',
    ]),
    investigationId: z.string(),
    seq: z.number().int().describe('1, 2, 3... without gaps; the SSE id and the WebSocket resume point.'),
    at: z.string(),
  })
  .loose()
  .describe('One engine event (docs/design.md: Investigations); the fields besides these depend on the type.');

export const cancelResponse = z.object({
  id: z.string(),
  status: z.enum(['cancelled', 'cancelling']),
});

export const feedbackResponse = z.object({
  recorded: z.literal(true),
  proposal: z
    .object({ id: z.string(), status: z.string() })
    .nullable()
    .describe('A helpful answer with SQL becomes a proposed verified query for an admin to confirm.'),
});

export const sessionResponse = z.object({ id: z.string() });

export const executeResponse = z.object({
  connection: z.string(),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  rows: z.array(z.array(z.unknown())),
  rowCount: z.number().int(),
  truncated: z.boolean().describe('The row cap was reached; more rows exist.'),
  elapsedMs: z.number(),
});

export const schemaResponse = z.object({
  connection: z.string(),
  dialect: z.enum(['postgres', 'mariadb', 'sqlite']),
  tables: z.array(tableDescriptionSchema),
});

export const verifiedQueryListing = z.object({
  verifiedQueries: z.array(
    z.object({
      name: z.string(),
      connection: z.string(),
      description: z.string(),
      owner: z.string(),
      verifiedOn: z.string(),
      file: z.string(),
      stale: z.boolean(),
      staleReason: z.string().nullable(),
    }),
  ),
});

export const knowledgeSearchResponse = z.object({
  faq: z.object({
    result: z.enum(['hit', 'ask_back', 'miss']),
    verifiedQuery: z.string().nullable(),
    confidence: z.number(),
    prompt: z.string().optional().describe('ask_back: what to ask the user.'),
  }),
  hits: z.array(
    z.object({
      kind: z.enum(['verified_query', 'doc', 'table']),
      title: z.string(),
      text: z.string(),
      sql: z.string().optional(),
      score: z.number(),
    }),
  ),
});

export const verifiedQueryAdded = z.object({ name: z.string(), file: z.string() });
export const verifiedQueryRemoved = z.object({ name: z.string(), removed: z.literal(true) });

const proposal = z.object({
  id: z.string(),
  question: z.string(),
  sql: z.string(),
  connection: z.string(),
  investigationId: z.string().nullable(),
  proposedBy: z.string().nullable(),
  note: z.string().nullable(),
  status: z.enum(['pending', 'confirmed', 'rejected']),
  createdAt: z.string(),
});

export const proposalList = z.object({ proposals: z.array(proposal) });
export const proposalConfirmed = z.object({ id: z.string(), status: z.literal('confirmed'), file: z.string() });
export const proposalRejected = z.object({ id: z.string(), status: z.literal('rejected') });

export const healthResponse = z.object({ status: z.literal('ok'), components: z.record(z.string(), z.string()) });
export const readyResponse = z.object({
  status: z.enum(['ready', 'not_ready']),
  components: z.record(z.string(), z.object({ status: z.enum(['ok', 'unavailable']), elapsedMs: z.number() })),
});
