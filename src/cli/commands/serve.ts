import { type Command, Option } from 'commander';
import { startServer } from '../../api/index.js';
import { UsageError } from '../../common/errors.js';
import { SERVE_ROLES, type ServeRole } from '../../jobs/index.js';
import { createSlackApp, parseSlackConfig, slackConfigProblems, slackHttpHandler } from '../../slack/index.js';
import { type CliIo, writeLine } from '../io.js';
import { withContext } from './context.js';

const HELP = `
Serves Sleuth over HTTP: GET /healthz, and Slack's events, slash commands and interactivity at /slack/events (the
Request URL to set in the Slack app) when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set (HTTP mode). See
docs/slack.md. Runs until Ctrl-C or SIGTERM, then stops accepting requests and drains.

Roles (--role): "all" (default) serves and runs investigations in this process. With a PostgreSQL memory store
(DATABASE_URL) investigations are jobs in a durable queue on that database, so processes can split the work behind a
load balancer: "api" serves requests and enqueues investigations but never runs them; "worker" runs them (GET /healthz
only, no API). A worker that dies mid-investigation is replaced by another one, which continues the same investigation.
SLEUTH_WORKER_CONCURRENCY sets how many investigations a worker runs at once (8).

Examples:
  SLACK_BOT_TOKEN=xoxb-... SLACK_SIGNING_SECRET=... sleuth serve --port 3000
  sleuth serve --host 0.0.0.0 --port 8080
  DATABASE_URL=postgres://... sleuth serve --role api --host 0.0.0.0 --port 8008
  DATABASE_URL=postgres://... sleuth serve --role worker --port 8009`;

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('Run the HTTP server: health and Slack (/slack/events)')
    .option('--port <n>', 'port (default PORT or 3000; 0 picks a free one)')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .addOption(
      new Option('--role <role>', 'api: serve and enqueue; worker: run investigations; all: both')
        .choices(SERVE_ROLES)
        .default('all'),
    )
    .addHelpText('after', HELP)
    .action(async (options: { port?: string; host: string; role: ServeRole }) => {
      const port = Number.parseInt(options.port ?? io.env.PORT ?? '3000', 10);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0..65535.');
      const onInterrupt = io.onInterrupt;
      if (!onInterrupt)
        throw new UsageError('sleuth serve runs until interrupted; start it from a process (bin/sleuth.js).');
      const { role } = options;
      await withContext(io, { role }, async (context) => {
        // the job runtime first: a worker starts working the queue, and a role that cannot work fails here
        await context.investigations();
        const routes = [];
        const components: Record<string, string> = { engine: 'ok', role };
        let stopSlack: () => Promise<void> = async () => undefined;
        if (role === 'worker') {
          components.slack = 'off (worker role)';
        } else if (io.env.SLACK_BOT_TOKEN) {
          const env = { ...io.env, SLACK_MODE: io.env.SLACK_MODE ?? 'http' };
          const problems = slackConfigProblems(env);
          if (problems.length > 0)
            throw new UsageError(`Slack is not configured correctly:\n  ${problems.join('\n  ')}`);
          const config = parseSlackConfig(env);
          if (config.mode !== 'http')
            throw new UsageError('sleuth serve hosts Slack in HTTP mode; for Socket Mode use npm run dev:slack.');
          const knowledge = await context.knowledge();
          const slack = createSlackApp({ context, knowledge, config, logger: context.logger });
          await slack.init();
          routes.push(slackHttpHandler(slack));
          stopSlack = () => slack.stop();
          components.slack = 'http';
        } else {
          components.slack = 'off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)';
        }
        const server = await startServer({ port, host: options.host, routes, logger: context.logger, components });
        writeLine(
          io.stderr,
          `Sleuth is listening on ${server.url} (health: ${server.url}/healthz; Slack: ${components.slack === 'http' ? `${server.url}/slack/events` : components.slack}). Ctrl-C stops.`,
        );
        await new Promise<void>((resolve) => {
          const unsubscribe = onInterrupt(() => {
            unsubscribe();
            resolve();
          });
        });
        await server.close();
        await stopSlack();
      });
    });
}
