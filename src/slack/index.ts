/**
 * Sleuth in Slack: threaded live investigations from mentions and DMs, /sleuth and /sleuth-faq, buttons (Show SQL,
 * Re-run, Cancel, feedback, propose as verified query), charts and CSV files in threads, App Home and assistant
 * suggested prompts. Build with createSlackApp(deps); host /slack/events elsewhere with slackHttpHandler.
 */
export { createSlackApp, SLACK_EVENTS_PATH, type SlackApp, slackHttpHandler } from './app.js';
export { parseSlackConfig, SLACK_ENV_HELP, type SlackConfig, type SlackMode, slackConfigProblems } from './config.js';
export {
  blockProblems,
  messageProblems,
  SLACK_LIMITS,
  viewProblems,
} from './render/index.js';
export type { SlackAppOptions, SlackEngine, SlackMemory } from './types.js';
