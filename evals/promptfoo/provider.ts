/**
 * promptfoo provider that runs a golden case through the Sleuth engine (investigation loop, guard, read-only
 * executor) and returns the answer text, with the SQL that ran and the engine's scores as metadata for the
 * assertions in ./assertions.ts. The model is chosen by EVAL_PROVIDER: scripted (offline reference), replay
 * (recorded cassettes), anthropic or openai-compatible (live, configured by the usual env).
 */
import { runGoldenCase } from '../golden/runner.js';
import { cassetteDir, goldenEnvironment, liveProviderFactory, providerName } from './shared.js';

interface CallContext {
  vars?: Record<string, unknown>;
}

export class SleuthEngineProvider {
  readonly config: Record<string, unknown>;

  constructor(options: { config?: Record<string, unknown> } = {}) {
    this.config = options.config ?? {};
  }

  id(): string {
    return `sleuth:${providerName(this.config.provider)}`;
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
      cassetteDir: cassetteDir(name),
      record: process.env.EVAL_RECORD === '1',
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
