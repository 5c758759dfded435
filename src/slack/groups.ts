/**
 * The asking user's Slack user groups, for access rules that name groups. One `usergroups.list` call with
 * include_users per workspace (scope usergroups:read), cached for a few minutes; only made when the policy mentions
 * groups. A failed lookup gives no groups, so group rules do not match (fail closed), and is retried after a short
 * pause. The actor carries each group's id and its @handle, so a rule may name either.
 */
import { z } from 'zod';
import type { Logger } from '../common/logger.js';
import { callSlack, type Sleep, type WebClient } from './web.js';

export interface GroupResolver {
  /** Group ids and @handles the user belongs to; undefined when groups are not needed or could not be read. */
  groupsOf(client: WebClient, teamId: string | undefined, userId: string): Promise<string[] | undefined>;
}

export interface GroupResolverDeps {
  logger: Logger;
  /** How long a workspace's groups are reused (default 5 minutes). */
  ttlMs?: number;
  /** After a failed lookup, how long to wait before asking Slack again (default 30 s). */
  retryMs?: number;
  now?: () => number;
  sleep?: Sleep;
}

const usergroupsResponse = z.object({
  usergroups: z
    .array(z.object({ id: z.string(), handle: z.string().optional(), users: z.array(z.string()).optional() }))
    .default([]),
});

type Groups = { id: string; handle: string | undefined; users: ReadonlySet<string> }[];

export function createGroupResolver(deps: GroupResolverDeps): GroupResolver {
  const ttlMs = deps.ttlMs ?? 5 * 60_000;
  const retryMs = deps.retryMs ?? 30_000;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { at: number; groups: Promise<Groups | undefined> }>();

  async function load(client: WebClient): Promise<Groups | undefined> {
    try {
      const response = await callSlack('usergroups.list', () => client.usergroups.list({ include_users: true }), {
        sleep: deps.sleep,
      });
      const parsed = usergroupsResponse.parse(response);
      return parsed.usergroups.map((g) => ({ id: g.id, handle: g.handle, users: new Set(g.users ?? []) }));
    } catch (error) {
      deps.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'could not read Slack user groups (usergroups:read scope?): group access rules will not match',
      );
      return undefined;
    }
  }

  return {
    async groupsOf(client, teamId, userId) {
      const key = teamId ?? '-';
      const entry = cache.get(key);
      let groups: Groups | undefined;
      if (entry && now() - entry.at < ttlMs) {
        groups = await entry.groups;
        if (groups === undefined && now() - entry.at >= retryMs) groups = await refresh();
      } else groups = await refresh();
      return groups?.filter((g) => g.users.has(userId)).flatMap((g) => (g.handle ? [g.id, `@${g.handle}`] : [g.id]));

      function refresh(): Promise<Groups | undefined> {
        const loading = load(client);
        cache.set(key, { at: now(), groups: loading });
        return loading;
      }
    },
  };
}
