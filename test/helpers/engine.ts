/**
 * Engine harness for end-to-end tests: the real investigation loop, the real guard and executor on a real demo
 * database, the real memory store, and a model provider (usually the real Anthropic SDK against the local peer).
 */
import {
  createInvestigationTarget,
  type InvestigateDeps,
  type InvestigationEvent,
  type InvestigationOutcome,
  investigate,
  type ModelProvider,
} from '../../src/agent/index.js';
import { createAnthropicProvider } from '../../src/agent/models/anthropic.js';
import type { ScriptTurn } from '../../src/agent/models/script.js';
import { createDataSource, type DataSource } from '../../src/datasources/index.js';
import type { MemoryStore } from '../../src/memory/index.js';
import { createSqlExecutor, createSqlGuard, type SqlDialect } from '../../src/sql/index.js';
import { startAnthropicPeer } from '../peers/anthropic-peer.js';
import { connectionFor, silentLogger } from './databases.js';
import { demoUrl } from './demo.js';

export async function openDemoSource(dialect: SqlDialect): Promise<DataSource> {
  return createDataSource(connectionFor(dialect, await demoUrl(dialect)), { logger: silentLogger });
}

export interface PeerModel {
  provider: ModelProvider;
  peer: Awaited<ReturnType<typeof startAnthropicPeer>>;
  delays: number[];
}

/** The real Anthropic SDK against the local Messages API peer replaying `turns`; retries sleep 0 ms (recorded). */
export async function peerModel(turns: ScriptTurn[], options: { timeoutMs?: number } = {}): Promise<PeerModel> {
  const peer = await startAnthropicPeer(turns);
  const delays: number[] = [];
  const provider = createAnthropicProvider({
    apiKey: 'sk-ant-test-key-0000000000',
    baseUrl: peer.url,
    model: 'claude-sonnet-4-6',
    timeoutMs: options.timeoutMs ?? 10_000,
    maxAttempts: 4,
    logger: silentLogger,
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
  return { provider, peer, delays };
}

export interface RunResult {
  events: InvestigationEvent[];
  outcome: InvestigationOutcome;
}

export async function runInvestigation(options: {
  question: string;
  source: DataSource;
  model: ModelProvider;
  store: MemoryStore;
  sessionId?: string;
  investigationId?: string;
  signal?: AbortSignal;
  budgets?: InvestigateDeps['budgets'];
  onEvent?: (event: InvestigationEvent) => void;
}): Promise<RunResult> {
  const executor = createSqlExecutor({ guard: await createSqlGuard(), logger: silentLogger });
  const target = createInvestigationTarget({ connection: options.source.name, source: options.source, executor });
  const generator = investigate(
    {
      question: options.question,
      sessionId: options.sessionId,
      investigationId: options.investigationId,
      signal: options.signal,
    },
    target,
    {
      model: options.model,
      store: options.store,
      logger: silentLogger,
      budgets: options.budgets,
      today: () => '2026-11-15',
    },
  );
  const events: InvestigationEvent[] = [];
  while (true) {
    const next = await generator.next();
    if (next.done) return { events, outcome: next.value };
    events.push(next.value);
    options.onEvent?.(next.value);
  }
}

export function ofType<T extends InvestigationEvent['type']>(
  events: InvestigationEvent[],
  type: T,
): Extract<InvestigationEvent, { type: T }>[] {
  return events.filter((e): e is Extract<InvestigationEvent, { type: T }> => e.type === type);
}
