/**
 * Who is asking and from where. Every front end builds one and passes it with the request; permissions, limits and
 * the audit log read it. `id` is the stable principal: a Slack user id, an API key id, "mcp:stdio", or the local OS
 * user for the CLI.
 */
export type ActorKind = 'slack' | 'api' | 'mcp' | 'cli' | 'eval';

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
}

/** The actor of a local CLI invocation. */
export function cliActor(env: Readonly<Record<string, string | undefined>>): Actor {
  return { kind: 'cli', id: env.USER || env.USERNAME || 'local' };
}
