/**
 * The knowledge base over HTTP: verified queries (list, add, remove), search as the FAQ tier and the agent see it,
 * and proposals from "helpful" feedback (list, confirm, reject). The same functions as `sleuth kb`; changes to the
 * knowledge folder are serialised. Changes need an admin key (`adminOnly`, checked by defineRoute before anything
 * else); reads are open to members: search decides with the caller's access policy like the FAQ tier, and a member
 * lists only the proposals from its own feedback (they carry its investigation's question and SQL).
 */
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { stringify } from 'yaml';
import { mayAccessOwned } from '../../common/actor.js';
import { UserError } from '../../common/errors.js';
import { installVerifiedQuery, removeVerifiedQuery } from '../../knowledge/index.js';
import { permissionDenied } from '../../policy/index.js';
import {
  confirmProposalBody,
  errorResponse,
  knowledgeSearchQuery,
  knowledgeSearchResponse,
  nameParams,
  proposalConfirmed,
  proposalList,
  proposalParams,
  proposalRejected,
  verifiedQueryAdded,
  verifiedQueryBody,
  verifiedQueryListing,
  verifiedQueryRemoved,
} from '../schemas.js';
import type { ApiContext } from '../types.js';
import { API_PREFIX, checkConnection, notFound } from './common.js';
import { type ApiRoute, defineRoute } from './define.js';

const error = (description: string) => ({ description, schema: errorResponse });
const adminOnly = error('The key is a member: only admin keys change the knowledge base (PERMISSION_DENIED)');
const BASE = `${API_PREFIX}/knowledge`;

export function knowledgeRoutes(context: ApiContext): ApiRoute[] {
  const dir = context.config.knowledge.dir;
  let changes: Promise<unknown> = Promise.resolve();
  /** One change to the knowledge folder at a time (each re-syncs the whole base). */
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = changes.then(work, work);
    changes = next.catch(() => undefined);
    return next;
  };
  const pendingProposal = async (id: string) => {
    const proposal = (await (await context.knowledge()).listProposals()).find((p) => p.id === id);
    if (!proposal) throw notFound(`Proposal ${id}`);
    if (proposal.status !== 'pending') throw new UserError('CONFLICT', `Proposal ${id} is already ${proposal.status}.`);
    return proposal;
  };

  return [
    defineRoute({
      method: 'get',
      path: `${BASE}/verified-queries`,
      operationId: 'listVerifiedQueries',
      summary: 'Verified queries with owner, last verified date and staleness',
      tag: 'knowledge',
      auth: 'api',
      responses: { 200: { description: 'The list', schema: verifiedQueryListing }, 401: error('No valid API key') },
      async handle() {
        const rows = await (await context.knowledge()).list();
        return {
          status: 200,
          body: { verifiedQueries: rows.map(({ checkedAt: _checked, ...row }) => row) },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${BASE}/verified-queries`,
      operationId: 'addVerifiedQuery',
      summary: 'Add a verified query (the knowledge file format as JSON); kept only if it fits the live schema',
      tag: 'knowledge',
      auth: 'api',
      adminOnly: 'add verified queries',
      body: verifiedQueryBody,
      responses: {
        201: { description: 'Added under knowledge/verified/', schema: verifiedQueryAdded },
        400: error('Invalid verified query, or it does not fit the live schema (KNOWLEDGE_INVALID)'),
        401: error('No valid API key'),
        403: adminOnly,
        409: error('A verified query with that name exists'),
      },
      async handle({ body }) {
        const { file } = await serialised(async () => {
          const base = await context.knowledge();
          if ((await base.list()).some((q) => q.name === body.name))
            throw new UserError('CONFLICT', `A verified query named ${body.name} exists already; remove it first.`);
          return installVerifiedQuery(base, {
            dir,
            name: body.name,
            replace: false,
            write: (target) => writeFile(target, stringify(body, { lineWidth: 0 }), 'utf8'),
          });
        });
        return { status: 201, body: { name: body.name, file: relative(dir, file) } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: `${BASE}/verified-queries/:name`,
      operationId: 'removeVerifiedQuery',
      summary: 'Remove a verified query file',
      tag: 'knowledge',
      auth: 'api',
      adminOnly: 'remove verified queries',
      params: nameParams,
      responses: {
        200: { description: 'Removed', schema: verifiedQueryRemoved },
        401: error('No valid API key'),
        403: adminOnly,
        404: error('No verified query by that name'),
      },
      async handle({ params }) {
        await serialised(async () => removeVerifiedQuery(await context.knowledge(), { dir, name: params.name }));
        return { status: 200, body: { name: params.name, removed: true } };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${BASE}/search`,
      operationId: 'searchKnowledge',
      summary: 'What the FAQ tier would answer, and the verified queries, docs and tables that match',
      description:
        'Decided with the caller’s access policy, as the FAQ tier would for it: a connection it may not use is ' +
        'PERMISSION_DENIED, hidden tables and refused SQL are left out.',
      tag: 'knowledge',
      auth: 'api',
      query: knowledgeSearchQuery,
      responses: {
        200: { description: 'FAQ decision and hits', schema: knowledgeSearchResponse },
        400: error('Invalid query'),
        401: error('No valid API key'),
        403: error('The access policy does not let this key use the connection (PERMISSION_DENIED)'),
      },
      async handle({ query, actor }) {
        checkConnection(context, query.connection);
        const access = await context.access({ actor, db: query.connection });
        if (!access.allowed) throw permissionDenied(access.reason, { connection: access.connection });
        const base = await context.knowledge();
        const [faq, hits] = await Promise.all([
          base.answerFaq({ question: query.q, connection: query.connection, actor }),
          base.search(query.q, { connection: query.connection, limit: query.limit }),
        ]);
        return {
          status: 200,
          body: {
            faq: {
              result: faq.kind === 'answered' ? 'hit' : faq.kind,
              verifiedQuery: faq.kind === 'miss' ? null : faq.verifiedQuery.name,
              confidence: faq.confidence,
              ...(faq.kind === 'ask_back' ? { prompt: faq.prompt } : {}),
            },
            hits,
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${BASE}/proposals`,
      operationId: 'listProposals',
      summary: 'Verified queries proposed from helpful feedback',
      description: 'An admin key sees every proposal; a member key only those from its own feedback.',
      tag: 'knowledge',
      auth: 'api',
      responses: { 200: { description: 'The proposals', schema: proposalList }, 401: error('No valid API key') },
      async handle({ actor }) {
        const proposals = (await (await context.knowledge()).listProposals()).filter((p) =>
          mayAccessOwned(actor, p.proposedBy),
        );
        return { status: 200, body: { proposals } };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${BASE}/proposals/:id/confirm`,
      operationId: 'confirmProposal',
      summary: 'Confirm a proposal: write it as a verified query file (commit it so it is reviewed)',
      tag: 'knowledge',
      auth: 'api',
      adminOnly: 'confirm proposals',
      params: proposalParams,
      body: confirmProposalBody,
      responses: {
        200: { description: 'Confirmed', schema: proposalConfirmed },
        400: error('Invalid body, or a file with that name exists'),
        401: error('No valid API key'),
        403: adminOnly,
        404: error('Unknown proposal'),
        409: error('Already confirmed or rejected'),
      },
      async handle({ params, body, actor }) {
        const file = await serialised(async () => {
          await pendingProposal(params.id);
          return (await context.knowledge()).confirmProposal(params.id, { ...body, decidedBy: actor.id });
        });
        return { status: 200, body: { id: params.id, status: 'confirmed', file: relative(dir, file) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${BASE}/proposals/:id/reject`,
      operationId: 'rejectProposal',
      summary: 'Reject a proposal',
      tag: 'knowledge',
      auth: 'api',
      adminOnly: 'reject proposals',
      params: proposalParams,
      responses: {
        200: { description: 'Rejected', schema: proposalRejected },
        401: error('No valid API key'),
        403: adminOnly,
        404: error('Unknown proposal'),
        409: error('Already confirmed or rejected'),
      },
      async handle({ params, actor }) {
        await serialised(async () => {
          await pendingProposal(params.id);
          await (await context.knowledge()).rejectProposal(params.id, actor.id);
        });
        return { status: 200, body: { id: params.id, status: 'rejected' } };
      },
    }),
  ];
}
