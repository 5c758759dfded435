import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/common/errors.js';
import { parseSlackConfig, slackConfigProblems } from '../../../src/slack/index.js';

describe('Slack config', () => {
  it('chooses Socket Mode when an app token is set, HTTP otherwise', () => {
    expect(parseSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).toMatchObject({
      mode: 'socket',
      appToken: 'xapp-1',
      apiUrl: undefined,
      port: 3000,
      streaming: 'auto',
    });
    expect(
      parseSlackConfig({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 's',
        SLACK_API_URL: 'http://127.0.0.1:9/api',
        PORT: '8080',
      }),
    ).toMatchObject({ mode: 'http', signingSecret: 's', apiUrl: 'http://127.0.0.1:9/api/', port: 8080 });
  });

  it('lists every problem with where to find the value', () => {
    const problems = slackConfigProblems({ SLACK_MODE: 'socket', SLACK_BOT_TOKEN: 'xoxp-user', SLACK_PORT: '99999' });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/SLACK_BOT_TOKEN must be a bot token starting with "xoxb-"/);
    expect(problems[1]).toMatch(/SLACK_APP_TOKEN is not set for Socket Mode: .*connections:write/);
    expect(problems[2]).toMatch(/SLACK_PORT must be a port number/);
    expect(slackConfigProblems({ SLACK_BOT_TOKEN: 'xoxb-1' })[0]).toMatch(
      /SLACK_SIGNING_SECRET is not set for HTTP mode/,
    );
    expect(
      slackConfigProblems({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'ftp://x' }),
    ).toEqual(['SLACK_API_URL must be an http(s) URL such as https://slack.com/api/.']);
    expect(
      slackConfigProblems({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_MODE: 'webhook' })[0],
    ).toMatch(/SLACK_MODE must be "socket" or "http"/);
  });

  it('throws one ConfigError and never echoes a secret', () => {
    try {
      parseSlackConfig({ SLACK_BOT_TOKEN: 'xoxp-secret-value', SLACK_APP_TOKEN: 'not-an-app-token-secret' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).not.toContain('secret');
    }
  });
});
