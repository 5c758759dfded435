import type { z } from 'zod';
import { UserError } from '../../common/errors.js';
import type { InvestigationRecord } from '../../memory/index.js';
import type { investigationView } from '../schemas.js';
import type { ApiContext } from '../types.js';

export const API_PREFIX = '/api/v1';

/** A configured connection name, or CONNECTION_UNKNOWN (never an ad hoc URL from a caller). */
export function checkConnection(context: ApiContext, name: string | undefined): void {
  if (name === undefined) return;
  if (!context.config.connections.some((c) => c.name === name)) {
    const known = context.config.connections.map((c) => c.name).join(', ');
    throw new UserError('CONNECTION_UNKNOWN', `No connection named ${name} (configured: ${known}).`);
  }
}

export function notFound(what: string): UserError {
  return new UserError('NOT_FOUND', `${what} was not found.`);
}

export function investigationLinks(id: string) {
  const self = `${API_PREFIX}/investigations/${encodeURIComponent(id)}`;
  return {
    self,
    events: `${self}/events`,
    websocket: `/ws/${encodeURIComponent(id)}`,
    cancel: `${self}/cancel`,
    feedback: `${self}/feedback`,
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function investigationBody(record: InvestigationRecord): z.input<typeof investigationView> {
  const started = record.startedAt?.getTime();
  const finished = record.finishedAt?.getTime();
  return {
    id: record.id,
    status: record.status,
    question: record.question,
    connection: record.connection,
    sessionId: record.sessionId,
    answer: record.answer,
    error: record.error,
    steps: record.steps,
    sqlRuns: record.sqlRuns,
    usage: {
      provider: record.provider,
      model: record.model,
      inputTokens: record.inputTokens,
      outputTokens: record.outputTokens,
      costUsd: record.costUsd,
    },
    timings: {
      createdAt: record.createdAt.toISOString(),
      startedAt: iso(record.startedAt),
      finishedAt: iso(record.finishedAt),
      queuedMs: started !== undefined ? Math.max(0, started - record.createdAt.getTime()) : null,
      durationMs: started !== undefined && finished !== undefined ? Math.max(0, finished - started) : null,
    },
    links: investigationLinks(record.id),
  };
}
