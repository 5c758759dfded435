/**
 * Investigations: start one (queued, worked by the job queue), read it, follow its events, cancel it, rate it. Every
 * route on an existing investigation or session goes through `visibleInvestigation` / `visibleSession`: a member's
 * own, or any for an admin; otherwise 404.
 */
import type { Actor } from '../../common/actor.js';
import { UserError } from '../../common/errors.js';
import { isFinishedStatus } from '../../jobs/index.js';
import { proposeFromInvestigation, recordFeedback, recordFeedbackNote } from '../../knowledge/index.js';
import { visibleInvestigation, visibleSession } from '../authorize.js';
import {
  acceptedInvestigation,
  cancelResponse,
  createInvestigationBody,
  errorResponse,
  eventsQuery,
  feedbackBody,
  feedbackResponse,
  idParams,
  investigationEvent,
  investigationView,
  sessionResponse,
} from '../schemas.js';
import { resumeAfter, streamSse } from '../sse.js';
import type { StreamTracker } from '../streams.js';
import type { ApiContext } from '../types.js';
import { API_PREFIX, checkConnection, investigationBody, investigationLinks } from './common.js';
import { type ApiRoute, defineRoute } from './define.js';

const error = (description: string) => ({ description, schema: errorResponse });
const unknown = error('Unknown investigation, or another key’s (admins see all)');
/** Said on every route on one investigation. */
const OWNED =
  'A member key sees and acts only on the investigations it started; an admin key on all. Anyone else’s is 404, ' +
  'as for an id that does not exist.';

export function investigationRoutes(
  context: ApiContext,
  streams: { tracker: StreamTracker; heartbeatMs: number },
): ApiRoute[] {
  const find = (actor: Actor, id: string) => visibleInvestigation(context, actor, id);

  return [
    defineRoute({
      method: 'post',
      path: `${API_PREFIX}/sessions`,
      operationId: 'createSession',
      summary: 'Start a session: investigations in it see a summary of the earlier ones (follow-up questions)',
      description: 'Only the key that created it (or an admin key) may pass its id as sessionId.',
      tag: 'investigations',
      auth: 'api',
      responses: { 201: { description: 'Created', schema: sessionResponse }, 401: error('No valid API key') },
      async handle({ actor }) {
        const session = await (await context.memory()).createSession({ userId: actor.id });
        return { status: 201, body: { id: session.id } };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${API_PREFIX}/investigations`,
      operationId: 'createInvestigation',
      summary: 'Ask a question: answered at once from a verified query, or queued for the model in the background',
      description:
        'A question a verified query answers (the FAQ tier), or one refused by a limit or the access policy, is ' +
        'finished in the request: 200, status succeeded or failed. Otherwise the investigation is queued: 202. Either ' +
        'way follow it with GET .../events (SSE) or the WebSocket, or read GET .../{id}.',
      tag: 'investigations',
      auth: 'api',
      body: createInvestigationBody,
      responses: {
        200: { description: 'Answered (or refused) in the request: already finished', schema: acceptedInvestigation },
        202: { description: 'Accepted (queued)', schema: acceptedInvestigation },
        400: error('Invalid body or unknown connection'),
        401: error('No valid API key'),
        404: error('Unknown session, or another key’s'),
      },
      async handle({ body, actor }) {
        checkConnection(context, body.connection);
        // a session is its creator's: another member key gets the same answer as for a session that does not exist
        if (body.sessionId) await visibleSession(context, actor, body.sessionId);
        const service = await context.investigations();
        const record = await service.start({
          question: body.question,
          connection: body.connection,
          sessionId: body.sessionId,
          faq: body.faq,
          actor,
        });
        const links = investigationLinks(record.id);
        return {
          status: isFinishedStatus(record.status) ? 200 : 202,
          headers: { location: links.self },
          body: { id: record.id, status: record.status, sessionId: record.sessionId, links },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${API_PREFIX}/investigations/:id`,
      operationId: 'getInvestigation',
      summary: 'Status, answer (once done), error, step and SQL counts, usage and timings',
      description: OWNED,
      tag: 'investigations',
      auth: 'api',
      params: idParams,
      responses: {
        200: { description: 'The investigation', schema: investigationView },
        401: error('No valid API key'),
        404: unknown,
      },
      async handle({ params, actor }) {
        return { status: 200, body: investigationBody(await find(actor, params.id)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${API_PREFIX}/investigations/:id/events`,
      operationId: 'streamInvestigationEvents',
      summary: 'Server-Sent Events: the recorded events, then live ones, ending after done/failed',
      description:
        'Each message has `id: <seq>`, `event: <type>` and `data: <event JSON>`. Resume with the Last-Event-ID header ' +
        `(EventSource does it on reconnect) or ?after=<seq>: nothing is missed or repeated. A stream that cannot go on ` +
        '(the memory store is unreachable) ends with `event: reconnect` ({code, message, retryMs}) instead of done/failed: ' +
        `resume later. ${OWNED}`,
      tag: 'investigations',
      auth: 'api',
      params: idParams,
      query: eventsQuery,
      headers: [{ name: 'Last-Event-ID', description: 'The last seq received; the stream continues after it.' }],
      responses: {
        200: { description: 'An event stream', contentType: 'text/event-stream', schema: investigationEvent },
        401: error('No valid API key'),
        404: unknown,
      },
      async handle({ params, query, req, res, actor }) {
        await find(actor, params.id);
        const service = await context.investigations();
        const afterSeq = resumeAfter(req.header('last-event-id'), query.after);
        await streamSse(res, (signal) => service.watch(params.id, { afterSeq, signal }), streams);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: `${API_PREFIX}/investigations/:id/cancel`,
      operationId: 'cancelInvestigation',
      summary: 'Cancel a queued or running investigation',
      description:
        'A queued one is cancelled at once (200); a running one is signalled and ends with a failed event ' +
        `INVESTIGATION_CANCELLED (202). ${OWNED}`,
      tag: 'investigations',
      auth: 'api',
      params: idParams,
      responses: {
        200: { description: 'Cancelled before it started', schema: cancelResponse },
        202: { description: 'Cancelling (the running investigation was signalled)', schema: cancelResponse },
        401: error('No valid API key'),
        404: unknown,
        409: error('Already finished'),
      },
      async handle({ params, actor }) {
        const record = await find(actor, params.id);
        if (isFinishedStatus(record.status))
          throw new UserError('CONFLICT', `Investigation ${record.id} is already ${record.status}.`);
        const outcome = await (await context.investigations()).cancel(record.id);
        if (outcome === 'dequeued') return { status: 200, body: { id: record.id, status: 'cancelled' } };
        if (outcome === 'signalled') return { status: 202, body: { id: record.id, status: 'cancelling' } };
        const now = await find(actor, params.id);
        throw new UserError(
          'CONFLICT',
          isFinishedStatus(now.status)
            ? `Investigation ${record.id} is already ${now.status}.`
            : `Investigation ${record.id} is not queued or running on any worker.`,
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: `${API_PREFIX}/investigations/:id/feedback`,
      operationId: 'giveFeedback',
      summary: 'Helpful or not, with an optional note; a helpful answer with SQL is proposed as a verified query',
      description: `The proposal waits for an admin to confirm or reject it. ${OWNED}`,
      tag: 'investigations',
      auth: 'api',
      params: idParams,
      body: feedbackBody,
      responses: {
        200: { description: 'Recorded', schema: feedbackResponse },
        400: error('Invalid body'),
        401: error('No valid API key'),
        404: unknown,
      },
      async handle({ params, body, actor }) {
        const record = await find(actor, params.id);
        const memory = await context.memory();
        await recordFeedback(memory, { actor: actor.id, investigationId: record.id, helpful: body.helpful });
        if (body.note)
          await recordFeedbackNote(memory, { actor: actor.id, investigationId: record.id, note: body.note });
        let proposal: { id: string; status: string } | null = null;
        if (body.helpful && record.status === 'succeeded') {
          const knowledge = await context.knowledge();
          const existing = (await knowledge.listProposals()).find(
            (p) => p.investigationId === record.id && p.status === 'pending',
          );
          const made = existing ?? (await proposeFromInvestigation(knowledge, record, actor.id, body.note));
          proposal = made ? { id: made.id, status: made.status } : null;
        }
        return { status: 200, body: { recorded: true, proposal } };
      },
    }),
  ];
}
