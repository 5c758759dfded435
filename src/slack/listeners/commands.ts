/**
 * Slash commands. `/sleuth <question>` investigates in the channel (a root message and a threaded live reply),
 * `/sleuth help` explains; `/sleuth-faq <question>` answers from verified queries only, just for the asker.
 */
import type { App } from '@slack/bolt';
import type { Actor } from '../../common/actor.js';
import { isSleuthError } from '../../common/errors.js';
import type { KnowledgeService } from '../../knowledge/types.js';
import { renderFaq, renderHelp, renderNotice } from '../render/index.js';
import { slackActor } from '../runner.js';
import { isHelpRequest } from '../text.js';
import { commandBody, type ListenerDeps } from './deps.js';
import { startInChannel } from './start.js';

const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;

export const NO_KNOWLEDGE_TEXT =
  'The knowledge base is not set up yet, so there are no verified answers. Ask with /sleuth to investigate.';

export function registerCommands(app: App, deps: ListenerDeps): void {
  app.command('/sleuth', async ({ command, ack, respond, client }) => {
    const parsed = commandBody.safeParse(command);
    if (!parsed.success) {
      await ack();
      return;
    }
    const { text, user_id, channel_id, team_id } = parsed.data;
    if (isHelpRequest(text)) {
      await ack({ response_type: 'ephemeral', ...renderHelp() });
      return;
    }
    await ack();
    const started = await startInChannel(deps, client, {
      question: text.trim(),
      userId: user_id,
      channel: channel_id,
      teamId: team_id,
    });
    if (!started.ok) await respond({ response_type: 'ephemeral', ...NO_UNFURL, ...renderNotice(started.reason) });
  });

  app.command('/sleuth-faq', async ({ command, ack, respond, client }) => {
    const parsed = commandBody.safeParse(command);
    if (!parsed.success || isHelpRequest(parsed.data.text)) {
      await ack({
        response_type: 'ephemeral',
        ...renderNotice('Usage: /sleuth-faq <question>, e.g. /sleuth-faq revenue last month'),
      });
      return;
    }
    await ack();
    const question = parsed.data.text.trim();
    const asker = { userId: parsed.data.user_id, teamId: parsed.data.team_id, channel: parsed.data.channel_id, client };
    const actor = await slackActor(asker, deps);
    await respond({
      response_type: 'ephemeral',
      ...NO_UNFURL,
      ...(await faqReply(deps.knowledge, deps, question, actor)),
    });
  });
}

/** The FAQ tier's answer as a message; a notice when there is no knowledge base or it failed. */
export async function faqReply(
  knowledge: KnowledgeService | undefined,
  deps: ListenerDeps,
  question: string,
  actor: Actor,
  shared = false,
) {
  if (!knowledge) return renderNotice(NO_KNOWLEDGE_TEXT);
  try {
    return renderFaq(question, await knowledge.answerFaq({ question, actor }), { shared });
  } catch (error) {
    if (isSleuthError(error) && error.code === 'PERMISSION_DENIED') return renderNotice(`:lock: ${error.message}`);
    deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'FAQ answer failed');
    return renderNotice('The knowledge base could not answer right now. Try again, or ask with /sleuth.');
  }
}
