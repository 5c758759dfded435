/**
 * Who is asking and from where. Every front end builds one and passes it with the request; permissions, limits and
 * the audit log read it. `id` is the stable principal: a Slack user id, an API key id, "mcp:stdio", or the local OS
 * user for the CLI.
 */
export type ActorKind = 'slack' | 'api' | 'mcp' | 'cli' | 'eval';

/**
 * What the principal may do beyond asking: a `member` sees and acts only on what it started (its investigations and
 * sessions) and reads the knowledge base; an `admin` also sees everyone's investigations and changes the knowledge base
 * (verified queries, proposals). API keys and configured tokens carry one (default `member`); other actors carry none,
 * which counts as `member` wherever a role is asked for. Read it with `isAdmin` and `mayAccessOwned`.
 */
export type ActorRole = 'member' | 'admin';
export const ACTOR_ROLES: readonly ActorRole[] = ['member', 'admin'];

export interface Actor {
  kind: ActorKind;
  id: string;
  /** Slack workspace (team) id, when known. */
  workspace?: string;
  /** Slack channel id the request came from, when known. */
  channel?: string;
  /**
   * Slack user groups the user belongs to, when resolved (only when the access policy names groups): each group's
   * id (S...) and its handle as "@handle".
   */
  groups?: readonly string[];
  /** Human label for logs and audit (e.g. an API key's name); never a secret. */
  label?: string;
  /** See ActorRole; absent means no elevated rights. */
  role?: ActorRole;
  /**
   * True when the actor authenticated with a bearer credential over the network (an API key or configured token, on
   * the REST API, the WebSocket or /mcp). It stays set when /mcp relabels the kind as `mcp`, so the access policy's
   * `local` rules (this machine: CLI, MCP over stdio, evals) never match a remote caller, and its `apiKeys` rules do.
   */
  remote?: boolean;
}

export function isAdmin(actor: Actor | undefined): boolean {
  return actor?.role === 'admin';
}

/**
 * Ownership, the one rule for records that belong to whoever started them (investigations, sessions, proposals):
 * the owner (`ownerId` equals the actor's id) or an admin may see and act on it. A record without an owner (started
 * from the local CLI) is an admin's only. Callers answer "not found" when it is false, so an id is never confirmed.
 */
export function mayAccessOwned(actor: Actor, ownerId: string | null | undefined): boolean {
  if (isAdmin(actor)) return true;
  return ownerId !== null && ownerId !== undefined && ownerId === actor.id;
}

/** The actor of a local CLI invocation. */
export function cliActor(env: Readonly<Record<string, string | undefined>>): Actor {
  return { kind: 'cli', id: env.USER || env.USERNAME || 'local' };
}
