/**
 * Who may use which connection: pure decisions over the policy's `access` rules and an Actor. Within one list any
 * entry matches; across the dimensions of a rule (users, groups, channels) all must hold; any matching rule grants.
 * No `access` section: everyone may use every connection. An `access` section and no matching rule: refused.
 */
import type { Actor } from '../common/index.js';
import type { AccessPolicy, AccessRule } from '../config/index.js';

export type AccessDecision = { allowed: true; rule: number | undefined } | { allowed: false; reason: string };

export type Dimension = 'users' | 'groups' | 'channels' | 'apiKeys' | 'local';

/** How one rule judged an actor: which of its dimensions held (undefined: not in the rule). */
export interface RuleEvaluation {
  index: number;
  name: string;
  connection: boolean;
  dimensions: Partial<Record<Dimension, boolean>>;
  matches: boolean;
}

const LOCAL_KINDS = new Set(['cli', 'mcp', 'eval']);

export function evaluateRules(policy: AccessPolicy, actor: Actor | undefined, connection: string): RuleEvaluation[] {
  return (policy.access ?? []).map((rule, index) => {
    const dimensions = actor ? ruleDimensions(rule, actor) : {};
    const connectionOk = rule.connections.includes('*') || rule.connections.includes(connection);
    const values = Object.values(dimensions);
    return {
      index,
      name: rule.name ?? `rule ${index + 1}`,
      connection: connectionOk,
      dimensions,
      matches: actor !== undefined && connectionOk && values.length > 0 && values.every(Boolean),
    };
  });
}

function ruleDimensions(rule: AccessRule, actor: Actor): Partial<Record<Dimension, boolean>> {
  const out: Partial<Record<Dimension, boolean>> = {};
  const any = (list: readonly string[], values: readonly (string | undefined)[]) =>
    list.includes('*') || values.some((v) => v !== undefined && list.some((entry) => sameId(entry, v)));
  if (rule.users) out.users = actor.kind === 'slack' && any(rule.users, [actor.id]);
  if (rule.channels) out.channels = actor.kind === 'slack' && any(rule.channels, [actor.channel]);
  if (rule.groups) out.groups = actor.kind === 'slack' && any(rule.groups, actor.groups ?? []);
  // a key used through /mcp is relabelled kind 'mcp' but stays remote: its key rules apply, `local` never does
  const keyed = actor.kind === 'api' || actor.remote === true;
  if (rule.apiKeys) out.apiKeys = keyed && any(rule.apiKeys, [actor.id, actor.label]);
  if (rule.local) out.local = LOCAL_KINDS.has(actor.kind) && actor.remote !== true;
  return out;
}

/** Slack ids compare exactly; group handles (@name) case-insensitively. */
function sameId(entry: string, value: string): boolean {
  return entry.startsWith('@') ? entry.toLowerCase() === value.toLowerCase() : entry === value;
}

export function connectionAccess(
  policy: AccessPolicy | undefined,
  actor: Actor | undefined,
  connection: string,
): AccessDecision {
  if (!policy?.access) return { allowed: true, rule: undefined };
  const evaluations = evaluateRules(policy, actor, connection);
  const match = evaluations.find((r) => r.matches);
  if (match) return { allowed: true, rule: match.index };
  return { allowed: false, reason: refusal(actor, connection, evaluations) };
}

/** The connections (of `all`) the actor may use. */
export function usableConnections(
  policy: AccessPolicy | undefined,
  actor: Actor | undefined,
  all: readonly string[],
): string[] {
  return all.filter((name) => connectionAccess(policy, actor, name).allowed);
}

const WHY: Partial<Record<Dimension, string>> = {
  users: 'you are not one of the users it is granted to',
  groups: 'you are not in a user group it is granted to',
  channels: 'it is not granted in this channel',
};

function refusal(actor: Actor | undefined, connection: string, evaluations: readonly RuleEvaluation[]): string {
  const grant = 'An admin can grant it in the access policy (policy.access).';
  if (actor === undefined)
    return `A request without a known caller may not use the "${connection}" connection. ${grant}`;
  if (actor.kind !== 'slack') {
    const who =
      actor.kind === 'api' || actor.remote
        ? `The API key ${actor.label ?? actor.id}`
        : `The ${actor.kind} user ${actor.id}`;
    return `${who} may not use the "${connection}" connection. ${grant}`;
  }
  // the Slack rule for this connection that came closest says what is missing
  const closest = evaluations
    .filter((r) => r.connection && ['users', 'groups', 'channels'].some((d) => d in r.dimensions))
    .sort((a, b) => count(b) - count(a))[0];
  const missing = closest
    ? (Object.entries(closest.dimensions) as [Dimension, boolean][]).filter(([, ok]) => !ok).map(([d]) => WHY[d])
    : [];
  const why = missing.length > 0 ? `: ${missing.join(', and ')}` : '';
  return `You may not use the "${connection}" data here${why}. ${grant}`;
}

function count(rule: RuleEvaluation): number {
  return Object.values(rule.dimensions).filter(Boolean).length;
}

/** True when some rule names Slack user groups: only then does the Slack front end look groups up. */
export function policyMentionsGroups(policy: AccessPolicy | undefined): boolean {
  return (policy?.access ?? []).some((rule) => (rule.groups?.length ?? 0) > 0);
}
