import type { ActorRole } from '../common/actor.js';
import type { ConfigFile } from './schema.js';

/**
 * Static credentials for the HTTP API besides the API keys kept in memory (`sleuth api-key create`): bearer tokens
 * named in configuration (for deployments that provision secrets, not keys), and a token that only reads /metrics.
 * Tokens must be long random strings: at least 32 characters, no whitespace or commas.
 *
 * Each token has a role, `member` unless it says `admin` (`api.tokens[].role`, or `name:token:admin` in
 * SLEUTH_API_TOKENS: a last `:admin` or `:member` is the role). Member is the default for the same reason as for
 * keys: a token is a credential handed to another service, and a leaked one should read only what it started and
 * never change the knowledge base; the operator's own automation says `admin`.
 */
export interface ApiConfig {
  readonly tokens: readonly { readonly name: string; readonly token: string; readonly role: ActorRole }[];
  readonly metricsToken: string | undefined;
}

export const MIN_TOKEN_LENGTH = 32;
const TOKEN_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const TOKEN_TEXT = /^[^\s,]+$/;

export function readApiConfig(values: Map<string, string>, file: ConfigFile, problems: string[]): ApiConfig {
  const tokens: { name: string; token: string; role: ActorRole }[] = [];
  const add = (where: string, name: string, token: string, role: ActorRole = 'member') => {
    if (!TOKEN_NAME.test(name)) {
      problems.push(`${where}: token name "${name.slice(0, 40)}" must be lower case letters, digits, _ or -.`);
    } else if (token.length < MIN_TOKEN_LENGTH || !TOKEN_TEXT.test(token)) {
      problems.push(
        `${where}: the token named ${name} must be at least ${MIN_TOKEN_LENGTH} characters without spaces or commas (use a random one, e.g. openssl rand -hex 32).`,
      );
    } else if (tokens.some((t) => t.name === name)) {
      problems.push(`${where}: the token name ${name} is used twice.`);
    } else tokens.push({ name, token, role });
  };
  for (const entry of file.api?.tokens ?? []) add('api.tokens', entry.name, entry.token, entry.role);
  const fromEnv = values.get('SLEUTH_API_TOKENS');
  if (fromEnv !== undefined) {
    for (const item of fromEnv
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const colon = item.indexOf(':');
      if (colon <= 0) problems.push('SLEUTH_API_TOKENS must be name:token pairs separated by commas.');
      else {
        const rest = item.slice(colon + 1);
        const withRole = /^(.*):(member|admin)$/.exec(rest);
        const [token, role] = withRole ? [withRole[1] as string, withRole[2] as ActorRole] : [rest, undefined];
        add('SLEUTH_API_TOKENS', item.slice(0, colon), token, role);
      }
    }
  }
  const metricsToken = values.get('SLEUTH_METRICS_TOKEN') ?? file.api?.metricsToken;
  if (metricsToken !== undefined && (metricsToken.length < MIN_TOKEN_LENGTH || !TOKEN_TEXT.test(metricsToken))) {
    problems.push(`SLEUTH_METRICS_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters without spaces or commas.`);
  }
  return { tokens, metricsToken };
}
