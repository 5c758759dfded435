/**
 * The Slack app: Bolt with the HTTP receiver (signing secret, POST /slack/events) or Socket Mode (app-level token),
 * chosen by config; the Web API base URL from config (SLACK_API_URL). Listeners live in listeners/, rendering in
 * render/, the live thread message in live/. Slack retries (X-Slack-Retry-Num) and repeated event ids are acknowledged
 * and dropped, so a retry never starts a second investigation.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, type Receiver, SocketModeReceiver } from '@slack/bolt';
import { UserError } from '../common/errors.js';
import { policyMentionsGroups } from '../policy/index.js';
import { createGroupResolver } from './groups.js';
import { registerActions } from './listeners/actions.js';
import { registerCommands } from './listeners/commands.js';
import type { ListenerDeps } from './listeners/deps.js';
import { registerEvents } from './listeners/events.js';
import { boltLogger } from './logger.js';
import { createRunner, type Runner } from './runner.js';
import type { SlackAppOptions } from './types.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackApp {
  readonly mode: 'socket' | 'http';
  /** The Bolt app (for advanced wiring; listeners are registered already). */
  readonly bolt: App;
  /** Verifies the bot token (auth.test). start() calls it; call it yourself when hosting the HTTP handler. */
  init(): Promise<void>;
  /**
   * HTTP mode: listens on `port` (default config.port) and `host`; Socket Mode: connects to Slack. Returns the port
   * listened on (HTTP mode).
   */
  start(listen?: { port?: number; host?: string }): Promise<{ port?: number }>;
  /** Cancels running investigations, waits for them, and stops the receiver. */
  stop(): Promise<void>;
  /** Resolves when no investigation is running (tests, graceful shutdown). */
  idle(): Promise<void>;
  readonly runner: Runner;
  /** HTTP mode only: Bolt's request listener for POST /slack/events (see slackHttpHandler). */
  readonly requestListener: RequestListener | undefined;
}

const SEEN_EVENTS = 2_000;

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { config, logger } = options;
  const log = logger.child({ component: 'slack' });
  const boltLog = boltLogger(logger);
  let receiver: Receiver;
  let http: HTTPReceiver | undefined;
  if (config.mode === 'http') {
    http = new HTTPReceiver({
      signingSecret: config.signingSecret ?? '',
      endpoints: SLACK_EVENTS_PATH,
      logger: boltLog,
      processBeforeResponse: false,
    });
    receiver = http;
  } else {
    receiver = new SocketModeReceiver({
      appToken: config.appToken ?? '',
      logger: boltLog,
      // the socket client's own Web API calls (apps.connections.open) go to the same base URL
      ...(config.apiUrl ? { installerOptions: { clientOptions: { slackApiUrl: config.apiUrl } } } : {}),
    });
  }
  const bolt = new App({
    token: config.botToken,
    receiver,
    logger: boltLog,
    convoStore: false,
    deferInitialization: true,
    clientOptions: {
      ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
      // 429s come back to us with Retry-After: live messages coalesce while they wait instead of queueing
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 2, minTimeout: 200, maxTimeout: 2_000 },
    },
  });

  // user groups are looked up only when the access policy names them
  const groups = policyMentionsGroups(options.context.config.policy)
    ? createGroupResolver({ logger: log, now: options.now, sleep: options.sleep })
    : undefined;
  const runner = createRunner({
    engine: options.context,
    groups,
    logger: log,
    streaming: config.streaming !== 'off',
    intervalMs: options.updateIntervalMs ?? 1_000,
    csvRowThreshold: options.csvRowThreshold ?? 10,
    charts: options.charts ?? true,
    now: options.now,
    sleep: options.sleep,
    observer: options.observer,
    ...(options.context.config.numberFormat ? { render: { format: options.context.config.numberFormat } } : {}),
  });

  // Slack re-sends an event it thinks we missed; the first delivery was acknowledged and is being handled.
  const seen = new Set<string>();
  bolt.use(async ({ body, context, next }) => {
    if (context.retryNum !== undefined) {
      log.info({ retryNum: context.retryNum, retryReason: context.retryReason }, 'ignoring a Slack retry');
      return;
    }
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string') {
      if (seen.has(eventId)) {
        log.info({ eventId }, 'ignoring a repeated event');
        return;
      }
      seen.add(eventId);
      if (seen.size > SEEN_EVENTS) seen.delete(seen.values().next().value as string);
    }
    await next();
  });

  const deps: ListenerDeps = {
    engine: options.context,
    knowledge: options.knowledge,
    runner,
    groups,
    logger: log,
    sleep: options.sleep,
    observer: options.observer,
  };
  registerEvents(bolt, deps);
  registerCommands(bolt, deps);
  registerActions(bolt, deps);
  bolt.error(async (error) => {
    log.error({ err: error instanceof Error ? error.message : String(error) }, 'Slack listener failed');
  });

  let initialized: Promise<void> | undefined;
  const init = () => {
    initialized ??= bolt.init().catch((error: unknown) => {
      initialized = undefined;
      throw error;
    });
    return initialized;
  };
  let started = false;

  return {
    mode: config.mode,
    bolt,
    runner,
    init,
    requestListener: http?.requestListener,
    async start(listen = {}) {
      await init();
      if (config.mode === 'socket') {
        await bolt.start();
        started = true;
        return {};
      }
      const server = (await bolt.start({ port: listen.port ?? config.port, host: listen.host })) as {
        address(): AddressInfo | string | null;
      };
      started = true;
      const address = server.address();
      return { port: typeof address === 'object' && address ? address.port : undefined };
    },
    async stop() {
      await runner.stop();
      if (started) await bolt.stop();
      started = false;
    },
    idle: () => runner.idle(),
  };
}

/**
 * For hosting Slack on another HTTP server (`sleuth serve`): returns a handler that serves POST /slack/events with
 * Bolt's receiver (signature checked) and returns true, or returns false for any other path so the host can route it.
 * Call `app.init()` before serving.
 */
export function slackHttpHandler(app: SlackApp): (req: IncomingMessage, res: ServerResponse) => boolean {
  const listener = app.requestListener;
  if (!listener)
    throw new UserError('CONFIG_INVALID', 'Hosting /slack/events needs the Slack app in HTTP mode (SLACK_MODE=http).');
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== SLACK_EVENTS_PATH) return false;
    listener(req, res);
    return true;
  };
}
