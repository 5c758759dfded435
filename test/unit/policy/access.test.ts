/** Who may use which connection: any entry within a list, every dimension of a rule, any rule; deny by default. */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/common/actor.js';
import { type AccessPolicy, accessPolicySchema } from '../../../src/config/index.js';
import { connectionAccess, policyMentionsGroups, usableConnections } from '../../../src/policy/index.js';

const policy: AccessPolicy = accessPolicySchema.parse({
  access: [
    { name: 'analysts', connections: ['warehouse'], channels: ['C0DATA', 'C0BI'], groups: ['S0ANALYSTS', '@finance'] },
    { name: 'cfo', connections: ['warehouse', 'finance'], users: ['U0CFO'] },
    { name: 'bot', connections: ['*'], apiKeys: ['reporting-bot', 'key_123'] },
    { name: 'everyone in #general', connections: ['shop'], channels: ['C0GENERAL'] },
    { name: 'local', connections: ['shop'], local: true },
  ],
});

const slack = (id: string, channel?: string, groups?: string[]): Actor => ({
  kind: 'slack',
  id,
  ...(channel ? { channel } : {}),
  ...(groups ? { groups } : {}),
});

describe('connectionAccess', () => {
  it('allows everything without an access section (no policy, or only data rules)', () => {
    expect(connectionAccess(undefined, undefined, 'warehouse')).toEqual({ allowed: true, rule: undefined });
    const dataOnly = accessPolicySchema.parse({ connections: { warehouse: { tables: { deny: ['salaries'] } } } });
    expect(connectionAccess(dataOnly, slack('U1'), 'warehouse').allowed).toBe(true);
  });

  it('needs every dimension of a rule: an allowed channel without an allowed group is refused', () => {
    const decision = connectionAccess(policy, slack('U1', 'C0DATA', ['S0OTHER']), 'warehouse');
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) expect(decision.reason).toMatch(/not in a user group it is granted to/);
    const wrongChannel = connectionAccess(policy, slack('U1', 'C0RANDOM', ['S0ANALYSTS']), 'warehouse');
    expect(wrongChannel.allowed).toBe(false);
    if (!wrongChannel.allowed) expect(wrongChannel.reason).toMatch(/not granted in this channel/);
  });

  it('matches any entry of a list, by id or @handle (case-insensitive)', () => {
    expect(connectionAccess(policy, slack('U1', 'C0BI', ['S0ANALYSTS']), 'warehouse')).toEqual({
      allowed: true,
      rule: 0,
    });
    expect(connectionAccess(policy, slack('U1', 'C0DATA', ['S0XYZ', '@Finance']), 'warehouse').allowed).toBe(true);
  });

  it('grants through any matching rule, and only for its connections', () => {
    expect(connectionAccess(policy, slack('U0CFO', 'D0DM'), 'finance')).toEqual({ allowed: true, rule: 1 });
    expect(connectionAccess(policy, slack('U0CFO', 'D0DM'), 'shop').allowed).toBe(false);
    expect(connectionAccess(policy, slack('U9', 'C0GENERAL'), 'shop')).toEqual({ allowed: true, rule: 3 });
  });

  it('matches API keys by name (label) or id, and local tools with local: true', () => {
    expect(connectionAccess(policy, { kind: 'api', id: 'key_999', label: 'reporting-bot' }, 'finance').allowed).toBe(
      true,
    );
    expect(connectionAccess(policy, { kind: 'api', id: 'key_123', label: 'renamed' }, 'finance').allowed).toBe(true);
    const other = connectionAccess(policy, { kind: 'api', id: 'key_5', label: 'intern' }, 'finance');
    expect(other).toEqual({ allowed: false, reason: expect.stringMatching(/The API key intern may not use "?/) });
    expect(connectionAccess(policy, { kind: 'cli', id: 'alice' }, 'shop').allowed).toBe(true);
    expect(connectionAccess(policy, { kind: 'eval', id: 'golden' }, 'shop').allowed).toBe(true);
    expect(connectionAccess(policy, { kind: 'cli', id: 'alice' }, 'warehouse').allowed).toBe(false);
  });

  it('never lets one kind of caller match another kind of rule', () => {
    // a Slack user whose id equals an API key name, an API key labelled like a Slack user
    expect(connectionAccess(policy, slack('reporting-bot', 'C0DATA'), 'finance').allowed).toBe(false);
    expect(connectionAccess(policy, { kind: 'api', id: 'U0CFO', label: 'U0CFO' }, 'finance').allowed).toBe(false);
  });

  it('judges a key used through /mcp (kind mcp, remote) by its key rules, never as local', () => {
    // MCP over stdio is local; the same tools over HTTP with an API key are not
    expect(connectionAccess(policy, { kind: 'mcp', id: 'mcp:stdio' }, 'shop').allowed).toBe(true);
    const intern: Actor = { kind: 'mcp', id: 'key_5', label: 'intern', role: 'member', remote: true };
    const refused = connectionAccess(policy, intern, 'shop');
    expect(refused).toEqual({ allowed: false, reason: expect.stringMatching(/The API key intern may not use/) });
    const bot: Actor = { kind: 'mcp', id: 'key_999', label: 'reporting-bot', remote: true };
    expect(connectionAccess(policy, bot, 'finance').allowed).toBe(true);
    expect(connectionAccess(policy, { kind: 'cli', id: 'alice', remote: true }, 'shop').allowed).toBe(false);
  });

  it('refuses a request without a caller under an access section', () => {
    expect(connectionAccess(policy, undefined, 'shop').allowed).toBe(false);
  });

  it('lists usable connections and says when groups must be looked up', () => {
    expect(usableConnections(policy, slack('U0CFO'), ['warehouse', 'finance', 'shop'])).toEqual([
      'warehouse',
      'finance',
    ]);
    expect(policyMentionsGroups(policy)).toBe(true);
    expect(policyMentionsGroups(accessPolicySchema.parse({ access: [{ connections: ['*'], local: true }] }))).toBe(
      false,
    );
    expect(policyMentionsGroups(undefined)).toBe(false);
  });
});
