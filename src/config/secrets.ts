import { createSecretRedactor, type SecretRedactor, urlPassword } from '../common/redact.js';
import type { SleuthConfig } from './load.js';

/**
 * Every secret the configuration holds, registered for literal redaction (logs, errors, model context): connection
 * and memory passwords, model and vector index keys, Slack tokens. Shapes (URL passwords, token formats) are
 * redacted anyway; this catches secrets without a recognisable shape.
 */
export function configuredSecrets(
  config: SleuthConfig,
  env: Readonly<Record<string, string | undefined>>,
): SecretRedactor {
  return createSecretRedactor([
    ...config.connections.map((c) => urlPassword(c.url)),
    config.memoryUrl ? urlPassword(config.memoryUrl) : undefined,
    config.model?.apiKey,
    config.knowledge.qdrantApiKey,
    ...config.api.tokens.map((t) => t.token),
    config.api.metricsToken,
    env.SLACK_BOT_TOKEN,
    env.SLACK_SIGNING_SECRET,
    env.SLACK_APP_TOKEN,
  ]);
}
