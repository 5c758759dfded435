/**
 * What the Slack front end needs from the rest of Sleuth. SleuthContext (src/main.ts) satisfies SlackEngine as it is;
 * tests pass the real context too. The knowledge base is optional and reached only through KnowledgeService.
 */
import type { InvestigateRequest, InvestigationEvent, InvestigationOutcome } from '../agent/index.js';
import type { Actor } from '../common/actor.js';
import type { Logger } from '../common/logger.js';
import type { NumberFormat } from '../common/numbers.js';
import type { AccessPolicy } from '../config/index.js';
import type { KnowledgeService } from '../knowledge/types.js';
import type { MemoryStore } from '../memory/index.js';
import type { QueryResult } from '../sql/index.js';
import type { SlackConfig } from './config.js';
import type { SlackCallObserver, Sleep } from './web.js';

/** The memory calls Slack makes: thread sessions, history for App Home and buttons, feedback in the audit log. */
export type SlackMemory = Pick<
  MemoryStore,
  | 'createSession'
  | 'getSession'
  | 'findSession'
  | 'listInvestigations'
  | 'getInvestigation'
  | 'listEvents'
  | 'appendAudit'
>;

export interface SlackEngine {
  readonly config: {
    readonly connections: readonly { readonly name: string; readonly dialect: string }[];
    readonly defaultConnection: string;
    /** The access policy, when configured: group lookups happen only when it names Slack user groups. */
    readonly policy?: AccessPolicy;
    /** How numbers are written for readers (locale, currency); en-US and USD when absent. */
    readonly numberFormat?: NumberFormat;
    /** The data's "now" when pinned (SLEUTH_NOW): charts leave out a period that is not over yet. */
    readonly now?: Date | undefined;
  };
  /** One investigation as recorded events (the engine records them before yielding). */
  ask(request: InvestigateRequest & { faq?: boolean }): AsyncGenerator<InvestigationEvent, InvestigationOutcome>;
  memory(): Promise<SlackMemory>;
  /** May this actor use the connection (default one when omitted)? Checked before a thread starts. */
  access(request: { actor: Actor; db?: string }): Promise<{ allowed: true } | { allowed: false; reason: string }>;
  /** One guarded statement for an actor (the re-run behind CSV exports and charts), under the access policy. */
  runSql(request: { sql: string; actor: Actor; db?: string }): Promise<QueryResult>;
}

export interface SlackAppOptions {
  context: SlackEngine;
  knowledge?: KnowledgeService;
  config: SlackConfig;
  logger: Logger;
  /** Live message writes per message at most once per this many ms (default 1000, Slack's guidance). */
  updateIntervalMs?: number;
  /** Results with more rows than this go up as CSV (default 10, what a message shows). */
  csvRowThreshold?: number;
  /** Post chart images for time series and breakdowns (default true). */
  charts?: boolean;
  now?: () => number;
  sleep?: Sleep;
  /** Told about every Web API request (metrics); SleuthContext.observers fits. */
  observer?: SlackCallObserver;
}
