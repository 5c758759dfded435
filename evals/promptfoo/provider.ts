/**
 * promptfoo provider that runs a golden case through the Sleuth engine (investigation loop, guard, read-only
 * executor) and returns the answer text, with the SQL that ran and the engine's scores as metadata for the
 * assertions in ./assertions.ts. The model is chosen by EVAL_PROVIDER: scripted (offline reference), replay
 * (recorded cassettes), anthropic or openai-compatible (live, configured by the usual env). The system prompt is the
 * provider's `config.prompt` (evals/prompt-variant.ts: current, previous, system.vN or a candidate .md file), so one
 * promptfoo run lists prompt versions side by side, one provider entry each.
 */
import type { SystemPromptTemplate } from '../../src/agent/index.js';
import { runGoldenCase } from '../golden/runner.js';
import { promptVariant } from '../prompt-variant.js';
import { cassetteDir, goldenEnvironment, liveProviderFactory, providerName, ROOT } from './shared.js';

interface CallContext {
  vars?: Record<string, unknown>;
}

export class SleuthEngineProvider {
  readonly config: Record<string, unknown>;
  readonly prompt: SystemPromptTemplate;

  constructor(options: { config?: Record<string, unknown> } = {}) {
    this.config = options.config ?? {};
    this.prompt = promptVariant(typeof this.config.prompt === 'string' ? this.config.prompt : undefined, ROOT);
  }

  id(): string {
    return `sleuth:${providerName(this.config.provider)}:${this.prompt.version}`;
  }

  async callApi(_prompt: string, context?: CallContext) {
    const caseId = String(context?.vars?.case_id ?? '');
    const env = await goldenEnvironment();
    const golden = env.dataset.cases.find((c) => c.id === caseId);
    if (!golden) return { error: `vars.case_id "${caseId}" is not a golden case id (datasets/golden/demo.yaml)` };
    const name = providerName(this.config.provider);
    const result = await runGoldenCase(golden, {
      ...env,
      provider: name,
      liveProvider: liveProviderFactory(name, env),
      cassetteDir: cassetteDir(name, this.prompt.version),
      record: process.env.EVAL_RECORD === '1',
      prompt: this.prompt,
    });
    if (result.cassetteMiss) return { error: result.cassetteMiss };
    return {
      output: result.answer ?? '',
      ...(result.error ? { error: result.error } : {}),
      tokenUsage: {
        prompt: result.inputTokens,
        completion: result.outputTokens,
        total: result.inputTokens + result.outputTokens,
      },
      cost: result.costUsd,
      latencyMs: Math.round(result.latencyMs),
      metadata: {
        caseId,
        // what the investigation recorded: the prompt the engine ran with, not just the one asked for
        promptVersion: result.promptVersion ?? null,
        kind: result.kind,
        sql: result.predictedSql ?? null,
        steps: result.steps,
        behaviour: result.behaviour?.observed ?? null,
      },
    };
  }
}

// biome-ignore lint/style/noDefaultExport: promptfoo instantiates a provider file's default export.
export default SleuthEngineProvider;
