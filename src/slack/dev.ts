/**
 * `npm run dev:slack`: runs Sleuth in Slack over Socket Mode (no public URL needed). Without the tokens it prints
 * what is missing and where to get each one, and exits with status 2.
 */
import { isSleuthError } from '../common/errors.js';
import { createSlackApp, parseSlackConfig, slackConfigProblems } from './index.js';

const USAGE_EXIT = 2;

function explain(problems: readonly string[]): void {
  process.stderr.write(
    [
      'Sleuth cannot start in Slack yet:',
      ...problems.map((p) => `  - ${p}`),
      '',
      'To get them: create the app from manifest.yml at api.slack.com/apps ("From a manifest"), install it to your',
      'workspace, then copy the tokens (docs/slack.md walks through it). For example:',
      '  SLACK_BOT_TOKEN=xoxb-... SLACK_APP_TOKEN=xapp-... npm run dev:slack',
      '',
    ].join('\n'),
  );
}

async function main(): Promise<number> {
  const env = { ...process.env, SLACK_MODE: 'socket' };
  const problems = slackConfigProblems(env);
  if (problems.length > 0) {
    explain(problems);
    return USAGE_EXIT;
  }
  // loaded only now, so explaining missing tokens stays instant
  const { createSleuthContext } = await import('../main.js');
  const context = await createSleuthContext({ env: process.env, cwd: process.cwd() });
  // the FAQ tier and suggested prompts; Slack still works (investigations only) when the knowledge base cannot load
  const knowledge = await context.knowledge().catch((error: unknown) => {
    context.logger.warn({ err: isSleuthError(error) ? error.message : String(error) }, 'knowledge base unavailable');
    return undefined;
  });
  const app = createSlackApp({
    context,
    config: parseSlackConfig(env),
    logger: context.logger,
    ...(knowledge ? { knowledge } : {}),
  });
  try {
    await app.start();
  } catch (error) {
    const code = (error as { data?: { error?: unknown } }).data?.error;
    process.stderr.write(
      `Could not connect to Slack over Socket Mode${typeof code === 'string' ? ` (${code})` : ''}: check SLACK_BOT_TOKEN and SLACK_APP_TOKEN, and that Socket Mode is enabled for the app.\n`,
    );
    await context.close();
    return 1;
  }
  process.stderr.write(
    'Sleuth is connected to Slack over Socket Mode. Mention it in a channel or DM it. Ctrl-C stops.\n',
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await app.stop();
  await context.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${isSleuthError(error) ? error.message : 'Sleuth stopped on an unexpected error.'}\n`);
    process.exit(isSleuthError(error) && error.fault === 'user' ? USAGE_EXIT : 1);
  },
);
