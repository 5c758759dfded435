import { type Command, Option } from 'commander';
import type { ApiMount, HttpRoute, RateLimitHook } from '../../api/index.js';
import { UsageError } from '../../common/errors.js';
// the constant only (jobs/types has no imports): the queue and its drivers load with the context, not for --help
import { SERVE_ROLES, type ServeRole } from '../../jobs/types.js';
import { type CliIo, writeLine } from '../io.js';
import { withContext } from './context.js';

const DEFAULT_PORT = 8008;

const HELP = `
Serves Sleuth over HTTP on one port:
  /api/v1/...           REST API (investigations, SQL, schema, knowledge); /docs is an explorer, /openapi.json the spec
  /ws/<investigation>   WebSocket progress (replay, then live)
  /health, /ready       alive; ready (memory store and every database reachable, 503 when not)
  /metrics              Prometheus metrics (an API key, or SLEUTH_METRICS_TOKEN)
  /mcp                  MCP over Streamable HTTP (the tools of sleuth mcp), behind the same keys
  /slack/events         Slack (HTTP mode) when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set (docs/slack.md)

Everything but /health, /healthz, /ready, /openapi.json and /docs needs "Authorization: Bearer <key>": create keys
with sleuth api-key create <name>, or configure tokens (SLEUTH_API_TOKENS=name:token,...).

Runs until Ctrl-C or SIGTERM, then stops accepting requests, lets in-flight requests and running investigations
finish (up to --grace seconds; SSE and WebSocket clients keep receiving events meanwhile), closes WebSockets with
1001 and the database pools.

Roles (--role): "all" (default) serves and runs investigations in this process. With a PostgreSQL memory store
(DATABASE_URL) investigations are jobs in a durable queue on that database, so processes can split the work behind a
load balancer: "api" serves requests and enqueues investigations but never runs them; "worker" runs them and serves
only /health, /healthz, /ready and /metrics. A worker that dies mid-investigation is replaced by another one, which
continues the same investigation. SLEUTH_WORKER_CONCURRENCY sets how many investigations a worker runs at once (8).

Examples:
  sleuth api-key create dashboard && sleuth serve
  PORT=9000 sleuth serve --host 0.0.0.0
  SLACK_BOT_TOKEN=xoxb-... SLACK_SIGNING_SECRET=... sleuth serve --port 3000
  DATABASE_URL=postgres://... sleuth serve --role api --host 0.0.0.0 --port 8008
  DATABASE_URL=postgres://... sleuth serve --role worker --port 8009`;

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('Run the HTTP server: REST API, WebSocket progress, metrics and Slack (/slack/events)')
    .option('--port <n>', `port (default PORT or ${DEFAULT_PORT}; 0 picks a free one)`)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--grace <seconds>', 'how long shutdown waits for running work', '30')
    .addOption(
      new Option('--role <role>', 'api: serve and enqueue; worker: run investigations; all: both')
        .choices(SERVE_ROLES)
        .default('all'),
    )
    .addHelpText('after', HELP)
    .action(async (options: { port?: string; host: string; grace: string; role: ServeRole }) => {
      const port = Number.parseInt(options.port ?? io.env.PORT ?? String(DEFAULT_PORT), 10);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0..65535.');
      const graceSeconds = Number(options.grace);
      if (!Number.isFinite(graceSeconds) || graceSeconds < 0 || graceSeconds > 3600)
        throw new UsageError('--grace must be 0..3600 seconds.');
      const graceMs = graceSeconds * 1000;
      const onInterrupt = io.onInterrupt;
      if (!onInterrupt)
        throw new UsageError('sleuth serve runs until interrupted; start it from a process (bin/sleuth.js).');
      const { role } = options;
      // each role loads only what it serves: the HTTP server always, MCP unless a worker, Slack when configured
      const { createApiServer, startServer } = await import('../../api/index.js');
      await withContext(io, { role }, async (context) => {
        // the job runtime first: a worker starts working the queue, and a role that cannot work fails here
        const service = await context.investigations();
        const rawRoutes: HttpRoute[] = [];
        const components: Record<string, string> = { engine: 'ok', role };
        let stopSlack: () => Promise<void> = async () => undefined;
        if (role === 'worker') {
          components.slack = 'off (worker role)';
        } else if (io.env.SLACK_BOT_TOKEN) {
          const env = { ...io.env, SLACK_MODE: io.env.SLACK_MODE ?? 'http' };
          const { createSlackApp, parseSlackConfig, slackConfigProblems, slackHttpHandler } = await import(
            '../../slack/index.js'
          );
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
        // MCP over Streamable HTTP, behind the API's keys and rate limit (a worker serves operations routes only)
        const mcp =
          role === 'worker'
            ? undefined
            : (await import('../../mcp/server/index.js')).createMcpHttpHandler({ context, logger: context.logger });
        const mounts: ApiMount[] = mcp
          ? [{ path: '/mcp', handle: (req, res, actor) => mcp.handle(req, res, actor) }]
          : [];
        // every authenticated request takes from its key's bucket; a refusal is a 429 with Retry-After
        const rateLimit: RateLimitHook = ({ key, actor }) => context.limits.take({ kind: 'api', key }, actor);
        const api = createApiServer({
          context,
          logger: context.logger,
          components,
          rawRoutes,
          mounts,
          rateLimit,
          operationsOnly: role === 'worker',
        });
        const server = await startServer({ api, port, host: options.host, logger: context.logger });
        const slackAt = components.slack === 'http' ? `${server.url}/slack/events` : components.slack;
        writeLine(
          io.stderr,
          role === 'worker'
            ? `Sleuth worker is listening on ${server.url} (health: ${server.url}/health, metrics: ${server.url}/metrics; it runs investigations from the queue). Ctrl-C stops.`
            : `Sleuth is listening on ${server.url} (API: ${server.url}/api/v1, docs: ${server.url}/docs, MCP: ${server.url}/mcp, health: ${server.url}/health; Slack: ${slackAt}; role ${role}). Ctrl-C stops.`,
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
        await mcp?.close();
        await stopSlack();
        await context.close({ graceMs: Math.max(0, deadline - Date.now()) });
        writeLine(io.stderr, 'Stopped.');
      });
    });
}
