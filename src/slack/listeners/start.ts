/** Starting an investigation outside a thread (slash command, "Investigate it"): a root message, then the thread. */
import { oneLine, safeText } from '../render/index.js';
import { callSlack, slackErrorCode, type WebClient } from '../web.js';
import type { ListenerDeps } from './deps.js';

export type StartResult = { ok: true } | { ok: false; reason: string };

export async function startInChannel(
  deps: ListenerDeps,
  client: WebClient,
  input: { question: string; userId: string; channel: string; teamId: string | undefined; faq?: boolean },
): Promise<StartResult> {
  let rootTs: string;
  try {
    const root = await callSlack(
      'chat.postMessage',
      () =>
        client.chat.postMessage({
          channel: input.channel,
          // the asker's id comes from Slack's own payload (validated), never from data or the model
          text: `:mag: <@${input.userId}> asked: ${safeText(oneLine(input.question), 1000)}`,
          unfurl_links: false,
          unfurl_media: false,
        }),
      { sleep: deps.sleep, observer: deps.observer },
    );
    rootTs = root.ts as string;
  } catch (error) {
    const code = slackErrorCode(error);
    deps.logger.info({ slackError: code }, 'could not post the question to the channel');
    const reason =
      code === 'not_in_channel' || code === 'channel_not_found'
        ? 'I am not in this channel. Invite me with `/invite @Sleuth`, or DM me the question.'
        : 'I could not post in this channel right now.';
    return { ok: false, reason };
  }
  deps.runner.start({ ...input, threadTs: rootTs, client });
  return { ok: true };
}
