/**
 * The user's path for golden questions: ask() of a real SleuthContext (src/main.ts), exactly as a Slack question
 * takes it: limits off, the FAQ tier first (the repository's knowledge/ folder), then the agent. The context runs on a
 * copy of the golden demo database with the dataset's pinned date, in a scratch data dir, with a model that hands each
 * question to the provider the runner chose for it (scripted reference, replay, mutant or live).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InvestigationEvent, ModelProvider, ModelRequest, SystemPromptTemplate } from '../../src/agent/index.js';
import type { Actor } from '../../src/common/actor.js';
import { createSleuthContext } from '../../src/main.js';
import type { MemoryStore } from '../../src/memory/index.js';

export interface AskRoute {
  /** ask() for one question, its model turns served by `model`. */
  run(question: string, model: ModelProvider): AsyncGenerator<InvestigationEvent, unknown>;
  store: MemoryStore;
  close(): Promise<void>;
}

/** The Slack user every golden question comes from. */
export const GOLDEN_ACTOR: Actor = { kind: 'slack', id: 'U0GOLDEN', workspace: 'T0GOLDEN', channel: 'C0GOLDEN' };

export async function openAskRoute(options: {
  root: string;
  demoPath: string;
  now: Date;
  /** The agent's system prompt (default PROMPT_VERSION's). */
  prompt?: SystemPromptTemplate;
}): Promise<AskRoute> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sleuth-golden-ask-'));
  copyFileSync(options.demoPath, join(dataDir, 'demo.sqlite'));
  const byQuestion = new Map<string, ModelProvider>();
  const dispatcher: ModelProvider = {
    id: 'golden',
    model: 'per-question',
    complete(request: ModelRequest) {
      return providerFor(request).complete(request);
    },
  };
  function providerFor(request: ModelRequest): ModelProvider {
    const first = request.messages[0]?.content.find((c) => c.type === 'text');
    const text = first?.type === 'text' ? first.text : '';
    const question = [...byQuestion.keys()]
      .filter((q) => text === q || text.startsWith(`${q}\n`))
      .sort((a, b) => b.length - a.length)[0];
    const provider = question === undefined ? undefined : byQuestion.get(question);
    if (!provider) throw new Error('the golden ask route has no model for this question');
    return provider;
  }
  const context = await createSleuthContext({
    env: {
      SLEUTH_NOW: options.now.toISOString().slice(0, 10),
      SLEUTH_DATA_DIR: dataDir,
      SLEUTH_LIMITS: 'off',
      SLEUTH_LOG_LEVEL: 'silent',
    },
    cwd: options.root,
    model: dispatcher,
    prompt: options.prompt,
  });
  const store = await context.memory();
  return {
    store,
    async *run(question, model) {
      byQuestion.set(question, model);
      try {
        return yield* context.ask({ question, actor: GOLDEN_ACTOR });
      } finally {
        byQuestion.delete(question);
      }
    },
    async close() {
      await context.close({ graceMs: 0 });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
