import type { Command } from 'commander';
import { startServer } from '../../api/index.js';
import { UsageError } from '../../common/errors.js';
import { createSlackApp, parseSlackConfig, slackConfigProblems, slackHttpHandler } from '../../slack/index.js';
import { type CliIo, writeLine } from '../io.js';
import { withContext } from './context.js';

const HELP = `
Serves Sleuth over HTTP: GET /healthz, and Slack's events, slash commands and interactivity at /slack/events (the
Request URL to set in the Slack app) when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set (HTTP mode). See
docs/slack.md. Runs until Ctrl-C or SIGTERM, then stops accepting requests and drains.

Examples:
  SLACK_BOT_TOKEN=xoxb-... SLACK_SIGNING_SECRET=... sleuth serve --port 3000
  sleuth serve --host 0.0.0.0 --port 8080`;

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('Run the HTTP server: health and Slack (/slack/events)')
    .option('--port <n>', 'port (default PORT or 3000; 0 picks a free one)')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .addHelpText('after', HELP)
    .action(async (options: { port?: string; host: string }) => {
      const port = Number.parseInt(options.port ?? io.env.PORT ?? '3000', 10);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0..65535.');
      const onInterrupt = io.onInterrupt;
      if (!onInterrupt)
        throw new UsageError('sleuth serve runs until interrupted; start it from a process (bin/sleuth.js).');
      await withContext(io, async (context) => {
        const routes = [];
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
