/**
 * The Slack app end to end: the real Bolt app with its HTTP receiver on 127.0.0.1, the real composition root
 * (createSleuthContext: engine, guard, executor, memory store on embedded PGlite) on the real SQLite demo database,
 * the real Anthropic SDK against the local Messages API peer replaying scripted turns, and the Bolt WebClient
 * pointed at the local Slack Web API recorder. The knowledge base is a small fake of the KnowledgeService interface.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ScriptTurn } from '../../../src/agent/index.js';
import { createLogger, type Logger } from '../../../src/common/logger.js';
import type { KnowledgeService } from '../../../src/knowledge/types.js';
import { createSleuthContext, type SleuthContext } from '../../../src/main.js';
import { createSlackApp, parseSlackConfig, type SlackApp } from '../../../src/slack/index.js';
import { ensureDatabase } from '../../helpers/databases.js';
import { demoUrl } from '../../helpers/demo.js';
import { type ScriptPeer, startAnthropicPeer } from '../../peers/anthropic-peer.js';
import { createSlackSender, type SlackSender } from '../../peers/slack-requests.js';
import {
  PEER_BOT_USER,
  PEER_TEAM,
  type SlackPeer,
  type SlackUsergroup,
  startSlackPeer,
} from '../../peers/slack-web-api.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-test-token';

export interface Harness {
  /** A channel and an asking user unique to this harness (tests in parallel share the memory database). */
  channel: string;
  user: string;
  slack: SlackPeer;
  model: ScriptPeer;
  context: SleuthContext;
  app: SlackApp;
  send: SlackSender;
  appUrl: string;
  logs: string[];
  /** Sends an app_mention from `user` in `channel`; returns the mention's ts. */
  mention(
    text: string,
    options?: { ts?: string; threadTs?: string; eventId?: string; retryNum?: number },
  ): Promise<{
    ts: string;
    status: number;
    eventId: string;
  }>;
  /** Clicks a button: a signed block_actions payload as Slack sends it (form-encoded `payload=`). */
  click(
    actionId: string,
    value: string,
    where?: { messageTs?: string; threadTs?: string; ephemeral?: boolean; responseId?: string },
  ): Promise<{ status: number }>;
  /** Runs a slash command; the response_url points at the Slack peer (`response_url` calls, id `responseId`). */
  command(command: string, text: string, responseId?: string): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  turns: ScriptTurn[];
  knowledge?: KnowledgeService;
  streaming?: 'auto' | 'off';
  updateIntervalMs?: number;
  /** Logs at this level are captured in `logs` (default warn). */
  logLevel?: string;
  /** Extra or overriding environment for the Sleuth context (e.g. limits, another database as "demo"). */
  env?: Record<string, string>;
  /** An access policy for this harness's channel and user, written to a file (SLEUTH_POLICY_FILE). */
  policy?: (ids: { channel: string; user: string }) => unknown;
  /** Give the app the context's real knowledge base (with the access policy) instead of `knowledge`. */
  contextKnowledge?: boolean;
  /** The workspace's user groups, as the Slack peer answers usergroups.list. */
  usergroups?: (ids: { channel: string; user: string }) => SlackUsergroup[];
}

let tsCounter = 0;
export function nextTs(): string {
  tsCounter += 1;
  return `${1_700_000_000 + tsCounter}.${String(tsCounter).padStart(6, '0')}`;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const unique = randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase();
  const channel = `C${unique}`;
  const user = `U${unique}`;
  const slack = await startSlackPeer({ botToken: BOT_TOKEN, usergroups: options.usergroups?.({ channel, user }) });
  const model = await startAnthropicPeer(options.turns);
  const dataDir = mkdtempSync(join(tmpdir(), 'sleuth-slack-'));
  const knowledgeDir = join(dataDir, 'knowledge');
  mkdirSync(knowledgeDir);
  const policyEnv: Record<string, string> = {};
  if (options.policy) {
    policyEnv.SLEUTH_POLICY_FILE = join(dataDir, 'policy.yaml');
    writeFileSync(policyEnv.SLEUTH_POLICY_FILE, stringify(options.policy({ channel, user })));
  }
  const logs: string[] = [];
  const logger: Logger = createLogger({
    level: options.logLevel ?? 'warn',
    destination: { write: (line: string) => void logs.push(line) },
  });
  const context = await createSleuthContext({
    env: {
      SLEUTH_DB_DEMO_URL: await demoUrl('sqlite'),
      SLEUTH_DEFAULT_DB: 'demo',
      SLEUTH_DATA_DIR: dataDir,
      SLEUTH_NOW: '2026-11-15',
      SLEUTH_LOG_LEVEL: 'silent',
      // an empty knowledge folder: the FAQ tier in ask() never pre-empts the scripted model in these tests
      SLEUTH_KNOWLEDGE_DIR: knowledgeDir,
      // Sleuth's memory on the local PostgreSQL server (embedded PGlite takes seconds to open per test)
      DATABASE_URL: await ensureDatabase('postgres', 'sleuth_test_slack_memory'),
      ANTHROPIC_API_KEY: 'sk-ant-test-key-0000000000',
      ANTHROPIC_BASE_URL: model.url,
      ...policyEnv,
      ...options.env,
    },
    cwd: dataDir,
  });
  const config = parseSlackConfig({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    SLACK_MODE: 'http',
    SLACK_STREAMING: options.streaming ?? 'auto',
  });
  const app = createSlackApp({
    context,
    config,
    logger,
    ...(options.knowledge ? { knowledge: options.knowledge } : {}),
    ...(options.contextKnowledge ? { knowledge: await context.knowledge() } : {}),
    ...(options.updateIntervalMs ? { updateIntervalMs: options.updateIntervalMs } : {}),
  });
  const { port } = await app.start({ port: 0, host: '127.0.0.1' });
  const appUrl = `http://127.0.0.1:${port}`;
  const send = createSlackSender(appUrl, SIGNING_SECRET);

  return {
    channel,
    user,
    slack,
    model,
    context,
    app,
    send,
    appUrl,
    logs,
    async mention(text, mentionOptions = {}) {
      const ts = mentionOptions.ts ?? nextTs();
      const event = {
        type: 'app_mention',
        user,
        text: `<@${PEER_BOT_USER}> ${text}`,
        ts,
        channel,
        event_ts: ts,
        ...(mentionOptions.threadTs ? { thread_ts: mentionOptions.threadTs } : {}),
      };
      const sent = await send.event(event, {
        ...(mentionOptions.eventId ? { eventId: mentionOptions.eventId } : {}),
        ...(mentionOptions.retryNum !== undefined ? { retryNum: mentionOptions.retryNum } : {}),
      });
      return { ts, status: sent.status, eventId: sent.eventId };
    },
    click(actionId, value, where = {}) {
      const messageTs = where.messageTs ?? nextTs();
      return send.interaction({
        type: 'block_actions',
        user: { id: user, username: 'asker', team_id: PEER_TEAM },
        api_app_id: 'A0SLEUTH',
        team: { id: PEER_TEAM, domain: 'sleuth-test' },
        channel: { id: channel, name: 'analytics' },
        trigger_id: `${Date.now()}.1234.abcdef`,
        response_url: slack.responseUrl(where.responseId ?? `action-${actionId}`),
        container: {
          type: 'message',
          message_ts: messageTs,
          channel_id: channel,
          is_ephemeral: where.ephemeral ?? false,
          ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
        },
        ...(where.ephemeral
          ? {}
          : { message: { type: 'message', ts: messageTs, ...(where.threadTs ? { thread_ts: where.threadTs } : {}) } }),
        actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: `${Date.now() / 1000}` }],
      });
    },
    command(command, text, responseId = 'command') {
      return send.command({
        command,
        text,
        user_id: user,
        user_name: 'asker',
        channel_id: channel,
        channel_name: 'analytics',
        response_url: slack.responseUrl(responseId),
        trigger_id: `${Date.now()}.1234.abcdef`,
        api_app_id: 'A0SLEUTH',
      });
    },
    async close() {
      await app.stop();
      await context.close();
      await Promise.all([slack.close(), model.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The value of the button with `actionId` in a recorded payload's blocks. */
export function buttonValue(blocks: unknown, actionId: string): string | undefined {
  const list = (Array.isArray(blocks) ? blocks : []) as { elements?: { action_id?: string; value?: string }[] }[];
  return list.flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId)?.value;
}

/** Every block-carrying payload recorded, for limit checks. */
export function postedPayloads(slack: SlackPeer): { method: string; blocks: unknown[] }[] {
  return slack.calls
    .filter((c) => Array.isArray(c.body.blocks))
    .map((c) => ({ method: c.method, blocks: c.body.blocks as unknown[] }));
}

/** All text a user could see in recorded payloads (blocks, text, chunks, views), as one JSON string. */
export function visibleText(slack: SlackPeer): string {
  return JSON.stringify(
    slack.calls
      .filter((c) => c.method !== 'auth.test')
      .map((c) => ({ text: c.body.text, blocks: c.body.blocks, chunks: c.body.chunks, view: c.body.view })),
  );
}
