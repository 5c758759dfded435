import type { Command } from 'commander';
import { type ApiMount, createApiServer, type HttpRoute, type RateLimitHook, startServer } from '../../api/index.js';
import { UsageError } from '../../common/errors.js';
import { createSlackApp, parseSlackConfig, slackConfigProblems, slackHttpHandler } from '../../slack/index.js';
import { type CliIo, writeLine } from '../io.js';
import { withContext } from './context.js';

const DEFAULT_PORT = 8008;

const HELP = `
Serves Sleuth over HTTP on one port:
  /api/v1/...           REST API (investigations, SQL, schema, knowledge); /docs is an explorer, /openapi.json the spec
  /ws/<investigation>   WebSocket progress (replay, then live)
  /health, /ready       alive; ready (memory store and every database reachable, 503 when not)
  /metrics              Prometheus metrics (an API key, or SLEUTH_METRICS_TOKEN)
  /slack/events         Slack (HTTP mode) when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set (docs/slack.md)

Everything but /health, /healthz, /ready, /openapi.json and /docs needs "Authorization: Bearer <key>": create keys
with sleuth api-key create <name>, or configure tokens (SLEUTH_API_TOKENS=name:token,...).

Runs until Ctrl-C or SIGTERM, then stops accepting requests, lets in-flight requests and running investigations
finish (up to --grace seconds; SSE and WebSocket clients keep receiving events meanwhile), closes WebSockets with
1001 and the database pools.

Examples:
  sleuth api-key create dashboard && sleuth serve
  PORT=9000 sleuth serve --host 0.0.0.0
  SLACK_BOT_TOKEN=xoxb-... SLACK_SIGNING_SECRET=... sleuth serve --port 3000`;

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('Run the HTTP server: REST API, WebSocket progress, metrics and Slack (/slack/events)')
    .option('--port <n>', `port (default PORT or ${DEFAULT_PORT}; 0 picks a free one)`)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--grace <seconds>', 'how long shutdown waits for running work', '30')
    .addHelpText('after', HELP)
    .action(async (options: { port?: string; host: string; grace: string }) => {
      const port = Number.parseInt(options.port ?? io.env.PORT ?? String(DEFAULT_PORT), 10);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0..65535.');
      const graceSeconds = Number(options.grace);
      if (!Number.isFinite(graceSeconds) || graceSeconds < 0 || graceSeconds > 3600)
        throw new UsageError('--grace must be 0..3600 seconds.');
      const graceMs = graceSeconds * 1000;
      const onInterrupt = io.onInterrupt;
      if (!onInterrupt)
        throw new UsageError('sleuth serve runs until interrupted; start it from a process (bin/sleuth.js).');
      await withContext(io, async (context) => {
        const rawRoutes: HttpRoute[] = [];
        const components: Record<string, string> = { engine: 'ok' };
        let stopSlack: () => Promise<void> = async () => undefined;
        if (io.env.SLACK_BOT_TOKEN) {
          const env = { ...io.env, SLACK_MODE: io.env.SLACK_MODE ?? 'http' };
          const problems = slackConfigProblems(env);
          if (problems.length > 0)
            throw new UsageError(`Slack is not configured correctly:\n  ${problems.join('\n  ')}`);
          const config = parseSlackConfig(env);
          if (config.mode !== 'http')
            throw new UsageError('sleuth serve hosts Slack in HTTP mode; for Socket Mode use npm run dev:slack.');
          const knowledge = await context.knowledge();
          const slack = createSlackApp({
            context,
            knowledge,
            config,
            logger: context.logger,
            observer: context.observers,
          });
          await slack.init();
          rawRoutes.push(slackHttpHandler(slack));
          stopSlack = () => slack.stop();
          components.slack = 'http';
        } else {
          components.slack = 'off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)';
        }
        // Mount points (wired at merge):
        //   MCP:   const mcp = createMcpHttpHandler({ context, logger: context.logger });
        //          mounts.push({ path: '/mcp', handle: (req, res, actor) => mcp.handle(req, res, actor) });
        //          (behind the same API auth and rate limit; close it with mcp.close() after server.stop)
        //   Limits: rateLimit = ({ key, actor }) => context.limits.take({ kind: 'api', key }, actor);
        //          (a refusal answers 429 with Retry-After and the refusal's message)
        const mounts: ApiMount[] = [];
        const rateLimit: RateLimitHook | undefined = undefined;
        const service = await context.investigations();
        const api = createApiServer({ context, logger: context.logger, components, rawRoutes, mounts, rateLimit });
        const server = await startServer({ api, port, host: options.host, logger: context.logger });
        const slackAt = components.slack === 'http' ? `${server.url}/slack/events` : components.slack;
        writeLine(
          io.stderr,
          `Sleuth is listening on ${server.url} (API: ${server.url}/api/v1, docs: ${server.url}/docs, health: ${server.url}/health; Slack: ${slackAt}). Ctrl-C stops.`,
        );
        await new Promise<void>((resolve) => {
          const unsubscribe = onInterrupt(() => {
            unsubscribe();
            resolve();
          });
        });
        const deadline = Date.now() + graceMs;
        writeLine(io.stderr, `Stopping: finishing requests and running investigations (up to ${graceSeconds} s)...`);
        await server.stop({
          graceMs,
          idle: async () => {
            const depth = await service.depth();
            return depth.queued + depth.running === 0;
          },
        });
        await stopSlack();
        await context.close({ graceMs: Math.max(0, deadline - Date.now()) });
        writeLine(io.stderr, 'Stopped.');
      });
    });
}
