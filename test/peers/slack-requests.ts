/**
 * Requests as Slack sends them to an app: Events API envelopes (JSON), slash commands and interactivity payloads
 * (form-encoded, `payload=` JSON), each signed with the v0 HMAC-SHA256 scheme over `v0:<timestamp>:<body>`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { PEER_BOT_USER, PEER_TEAM } from './slack-web-api.js';

export interface SlackRequestOptions {
  /** Adds X-Slack-Retry-Num (and reason), as Slack does when it re-sends an event. */
  retryNum?: number;
  /** Signs with this secret instead of the right one. */
  signWith?: string;
  /** Seconds since the epoch for X-Slack-Request-Timestamp (default now). */
  timestamp?: number;
}

export interface SentRequest {
  status: number;
  text: string;
}

export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function createSlackSender(appUrl: string, signingSecret: string) {
  async function post(body: string, contentType: string, options: SlackRequestOptions = {}): Promise<SentRequest> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature(options.signWith ?? signingSecret, timestamp, body),
    };
    if (options.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(options.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const response = await fetch(`${appUrl}/slack/events`, { method: 'POST', headers, body });
    return { status: response.status, text: await response.text() };
  }

  return {
    /** An Events API callback; returns the event_id used. */
    async event(event: Record<string, unknown>, options: SlackRequestOptions & { eventId?: string } = {}) {
      const eventId = options.eventId ?? `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
      const envelope = {
        token: 'legacy-verification-token',
        team_id: PEER_TEAM,
        api_app_id: 'A0SLEUTH',
        type: 'event_callback',
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: PEER_TEAM, user_id: PEER_BOT_USER, is_bot: true }],
        event,
      };
      return { eventId, ...(await post(JSON.stringify(envelope), 'application/json', options)) };
    },
    /** A slash command (form-encoded fields). */
    command(fields: Record<string, string>, options: SlackRequestOptions = {}) {
      const body = new URLSearchParams({ team_id: PEER_TEAM, team_domain: 'sleuth-test', ...fields }).toString();
      return post(body, 'application/x-www-form-urlencoded', options);
    },
    /** An interactivity payload (block_actions, view_submission): form-encoded `payload=<json>`. */
    interaction(payload: Record<string, unknown>, options: SlackRequestOptions = {}) {
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      return post(body, 'application/x-www-form-urlencoded', options);
    },
    /** Any raw body, e.g. for signature tests. */
    raw: post,
  };
}

export type SlackSender = ReturnType<typeof createSlackSender>;
