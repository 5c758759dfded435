/**
 * Who may see and change what over the API, decided here and nowhere else (REST routes, SSE and the WebSocket call
 * these functions; routes declare `role: 'admin'` and `defineRoute` calls `requireRole`).
 *
 * Threat model: any valid key used to read any investigation (Slack users' included, whose events carry result rows)
 * and to change the knowledge base. Now:
 * - Ownership: a member sees and acts only on the investigations it started and the sessions it created (the record's
 *   userId is the key's actor id); admins see all (`mayAccessOwned`). Anything else is NOT_FOUND with the same
 *   sentence as an id that does not exist, so a guessed or leaked id is not confirmed.
 * - Knowledge writes (add/remove verified queries, confirm/reject proposals) need an admin: PERMISSION_DENIED (403)
 *   before the body is even validated, so a member learns nothing about the knowledge base from it.
 */
import { type Actor, type ActorRole, isAdmin, mayAccessOwned } from '../common/actor.js';
import { UserError } from '../common/errors.js';
import type { InvestigationRecord, MemoryStore, Session } from '../memory/index.js';
import { notFound } from './routes/common.js';

type Memory = { memory(): Promise<Pick<MemoryStore, 'getInvestigation' | 'getSession'>> };

/** The investigation if the actor may see it; NOT_FOUND when it does not exist or is someone else's. */
export async function visibleInvestigation(context: Memory, actor: Actor, id: string): Promise<InvestigationRecord> {
  const record = await (await context.memory()).getInvestigation(id);
  if (!record || !mayAccessOwned(actor, record.userId)) throw notFound(`Investigation ${id}`);
  return record;
}

/** The session if the actor may use it; NOT_FOUND when it does not exist or is someone else's. */
export async function visibleSession(context: Memory, actor: Actor, id: string): Promise<Session> {
  const session = await (await context.memory()).getSession(id);
  if (!session || !mayAccessOwned(actor, session.userId)) throw notFound(`Session ${id}`);
  return session;
}

/** Throws PERMISSION_DENIED unless the actor has the role (only `admin` is ever required). */
export function requireRole(actor: Actor | undefined, role: ActorRole, action: string): void {
  if (role === 'member' || isAdmin(actor)) return;
  throw new UserError(
    'PERMISSION_DENIED',
    `Only an admin key may ${action}; this key is a member. Ask an admin, or use a key created with sleuth api-key create NAME --role admin.`,
    { details: { requiredRole: role } },
  );
}
