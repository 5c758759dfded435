/**
 * Slack settings, parsed with zod from an environment object (never process.env directly: the composition root or
 * the dev entry point passes it in). Every problem is one sentence that names the variable and where to find it.
 */
import { z } from 'zod';
import { ConfigError } from '../common/errors.js';

export type SlackMode = 'socket' | 'http';

export interface SlackConfig {
  /** Socket Mode (app-level token, no public URL; for development) or HTTP (signing secret; for production). */
  readonly mode: SlackMode;
  /** Bot User OAuth Token (xoxb-...). */
  readonly botToken: string;
  /** Signing secret; required in HTTP mode (requests are verified with it). */
  readonly signingSecret: string | undefined;
  /** App-level token with connections:write (xapp-...); required in Socket Mode. */
  readonly appToken: string | undefined;
  /** Web API base URL (Enterprise proxies, tests); undefined means Slack's own https://slack.com/api/. */
  readonly apiUrl: string | undefined;
  /** Port of the HTTP receiver when it listens on its own (HTTP mode without `sleuth serve`). */
  readonly port: number;
  /** Use Slack's agent streaming (chat.startStream...) where the workspace allows it; 'off' always edits a message. */
  readonly streaming: 'auto' | 'off';
}

/** Where each setting comes from, for error messages and `npm run dev:slack`. */
export const SLACK_ENV_HELP: Readonly<Record<string, string>> = {
  SLACK_BOT_TOKEN: 'the Bot User OAuth Token (xoxb-...) under "OAuth & Permissions" after installing the app',
  SLACK_SIGNING_SECRET: 'the Signing Secret under "Basic Information" > "App Credentials"',
  SLACK_APP_TOKEN:
    'an app-level token (xapp-...) with the connections:write scope, under "Basic Information" > "App-Level Tokens"',
  SLACK_API_URL: 'optional Web API base URL, e.g. https://slack.com/api/ (proxies and tests)',
  SLACK_MODE: 'optional: socket (development, needs SLACK_APP_TOKEN) or http (production, needs SLACK_SIGNING_SECRET)',
  SLACK_PORT: 'optional port for the HTTP receiver (default 3000; PORT is used when SLACK_PORT is unset)',
  SLACK_STREAMING: 'optional: auto (default) or off',
};

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const envSchema = z.object({
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: optionalText,
  SLACK_MODE: optionalText,
  SLACK_PORT: optionalText,
  PORT: optionalText,
  SLACK_STREAMING: optionalText,
});

/** Every problem with the Slack settings in `env`, as sentences; empty when the settings are usable. */
export function slackConfigProblems(env: Readonly<Record<string, string | undefined>>): string[] {
  try {
    parseSlackConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

/** Parses and checks the Slack settings; throws one ConfigError listing every problem. */
export function parseSlackConfig(env: Readonly<Record<string, string | undefined>>): SlackConfig {
  const values = envSchema.parse(env);
  const problems: string[] = [];
  const missing = (name: string, why: string) =>
    problems.push(`${name} is not set ${why}: it is ${SLACK_ENV_HELP[name]}.`);

  let mode: SlackMode;
  if (values.SLACK_MODE === undefined) mode = values.SLACK_APP_TOKEN ? 'socket' : 'http';
  else if (values.SLACK_MODE === 'socket' || values.SLACK_MODE === 'http') mode = values.SLACK_MODE;
  else {
    problems.push(`SLACK_MODE must be "socket" or "http", not "${values.SLACK_MODE.slice(0, 40)}".`);
    mode = 'http';
  }

  if (!values.SLACK_BOT_TOKEN) missing('SLACK_BOT_TOKEN', '(Sleuth posts as the bot)');
  else if (!values.SLACK_BOT_TOKEN.startsWith('xoxb-'))
    problems.push('SLACK_BOT_TOKEN must be a bot token starting with "xoxb-" (not a user or app-level token).');

  if (mode === 'socket') {
    if (!values.SLACK_APP_TOKEN) missing('SLACK_APP_TOKEN', 'for Socket Mode');
    else if (!values.SLACK_APP_TOKEN.startsWith('xapp-'))
      problems.push('SLACK_APP_TOKEN must be an app-level token starting with "xapp-".');
  } else if (!values.SLACK_SIGNING_SECRET) {
    missing('SLACK_SIGNING_SECRET', 'for HTTP mode (requests from Slack are verified with it)');
  }

  let apiUrl: string | undefined;
  if (values.SLACK_API_URL !== undefined) {
    const parsed = z.url({ protocol: /^https?$/ }).safeParse(values.SLACK_API_URL);
    if (parsed.success) apiUrl = parsed.data.endsWith('/') ? parsed.data : `${parsed.data}/`;
    else problems.push('SLACK_API_URL must be an http(s) URL such as https://slack.com/api/.');
  }

  const portText = values.SLACK_PORT ?? values.PORT ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65_535)
    problems.push(`${values.SLACK_PORT ? 'SLACK_PORT' : 'PORT'} must be a port number between 1 and 65535.`);

  const streaming = values.SLACK_STREAMING ?? 'auto';
  if (streaming !== 'auto' && streaming !== 'off') problems.push('SLACK_STREAMING must be "auto" or "off".');

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    mode,
    botToken: values.SLACK_BOT_TOKEN!,
    signingSecret: values.SLACK_SIGNING_SECRET,
    appToken: values.SLACK_APP_TOKEN,
    apiUrl,
    port,
    streaming: streaming as 'auto' | 'off',
  });
}
