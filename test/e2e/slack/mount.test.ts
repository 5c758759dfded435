/** Hosting /slack/events on another server's port (what `sleuth serve` does) through slackHttpHandler. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import type { ScriptTurn } from '../../../src/agent/index.js';
import { createLogger } from '../../../src/common/logger.js';
import { createSlackApp, parseSlackConfig, type SlackApp, slackHttpHandler } from '../../../src/slack/index.js';
import { createSlackSender } from '../../peers/slack-requests.js';
import { PEER_BOT_USER } from '../../peers/slack-web-api.js';
import { BOT_TOKEN, type Harness, nextTs, SIGNING_SECRET, startHarness } from './harness.js';

let harness: Harness | undefined;
let hosted: SlackApp | undefined;
let server: Server | undefined;
afterEach(async () => {
  await hosted?.stop();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await harness?.close();
  harness = hosted = server = undefined;
});

it('serves signed Slack requests at /slack/events and leaves other paths to the host', async () => {
  const finish: ScriptTurn = {
    tool_calls: [{ name: 'finish', input: { answer: 'Hosted answer.', evidence: [], caveats: [], follow_ups: [] } }],
  };
  harness = await startHarness({ turns: [finish] });
  const h = harness;
  hosted = createSlackApp({
    context: h.context,
    config: parseSlackConfig({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: h.slack.apiUrl,
      SLACK_STREAMING: 'off',
    }),
    logger: createLogger({ level: 'silent' }),
  });
  await hosted.init();
  const handle = slackHttpHandler(hosted);
  server = createServer((req, res) => {
    if (!handle(req, res)) res.writeHead(200, { 'content-type': 'text/plain' }).end('host route');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  expect(await (await fetch(`${url}/health`)).text()).toBe('host route');
  const send = createSlackSender(url, SIGNING_SECRET);
  const ts = nextTs();
  const event = { type: 'app_mention', user: h.user, text: `<@${PEER_BOT_USER}> anything?`, ts, channel: h.channel };
  expect((await send.event(event, { signWith: 'wrong' })).status).toBe(401);
  expect((await send.event(event)).status).toBe(200);
  await h.slack.waitFor(() => h.slack.ok('chat.update').length > 0 && hosted!.runner.active() === 0);
  await hosted.idle();
  expect(h.slack.ok('chat.postMessage')[0]?.body.thread_ts).toBe(ts);
  expect(JSON.stringify(h.slack.ok('chat.update').at(-1)?.body.blocks)).toContain('Hosted answer.');
});
