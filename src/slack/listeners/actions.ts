/**
 * Buttons and the feedback modal: Show SQL, Re-run, Cancel, Helpful / Not helpful (+ note), propose as verified
 * query, and the FAQ buttons. Button values carry an investigation id (or `q:` + the question); everything else is
 * looked up in memory, so a button works after a restart.
 */
import type { App } from '@slack/bolt';
import { z } from 'zod';
import { proposalFrom, proposeFromInvestigation, recordFeedback, recordFeedbackNote } from '../../knowledge/index.js';
import type { InvestigationRecord } from '../../memory/index.js';
import {
  ACTION,
  CALLBACK,
  QUESTION_PREFIX,
  renderFeedbackThanks,
  renderNoteModal,
  renderNotice,
  renderProposed,
  renderSqlDetails,
  type SlackMessage,
} from '../render/index.js';
import { slackActor } from '../runner.js';
import { callSlack, type WebClient } from '../web.js';
import { faqReply } from './commands.js';
import { type ActionBody, actionBody, type ListenerDeps, threadOf } from './deps.js';
import { startInChannel } from './start.js';

const faqValue = z.object({ q: z.string().min(1), o: z.string().optional() });

type Handler = (input: { body: ActionBody; value: string; client: WebClient; respond: Respond }) => Promise<void>;
type Respond = (message: Record<string, unknown>) => Promise<unknown>;

export function registerActions(app: App, deps: ListenerDeps): void {
  const on = (actionId: string, handler: Handler) => {
    app.action(actionId, async ({ ack, body, client, respond }) => {
      await ack();
      const parsed = actionBody.safeParse(body);
      if (!parsed.success) {
        deps.logger.warn({ actionId }, 'ignoring a block action without the fields Sleuth needs');
        return;
      }
      const value = parsed.data.actions[0]?.value ?? '';
      // response_url posts take the same unfurl flags as chat.postMessage: never unfurl what we post
      const noUnfurl: Respond = (message) =>
        (respond as Respond)({ unfurl_links: false, unfurl_media: false, ...message });
      await handler({ body: parsed.data, value, client, respond: noUnfurl });
    });
  };

  /** An ephemeral note to whoever clicked, in the same thread. */
  const tell = async (client: WebClient, body: ActionBody, message: SlackMessage) => {
    const where = threadOf(body);
    if (!where) return;
    await callSlack(
      'chat.postEphemeral',
      () =>
        client.chat.postEphemeral({
          channel: where.channel,
          user: body.user.id,
          thread_ts: where.threadTs,
          text: message.text,
          blocks: message.blocks,
        }),
      { sleep: deps.sleep, observer: deps.observer },
    );
  };

  const investigation = async (value: string): Promise<InvestigationRecord | undefined> => {
    if (!value || value.startsWith(QUESTION_PREFIX)) return undefined;
    return (await deps.engine.memory()).getInvestigation(value);
  };

  on(ACTION.cancel, async ({ body, value, client }) => {
    if (!deps.runner.cancel(value)) await tell(client, body, renderNotice('That investigation is no longer running.'));
    else deps.logger.info({ runId: value, user: body.user.id }, 'investigation cancelled from Slack');
  });

  on(ACTION.rerun, async ({ body, value, client }) => {
    const where = threadOf(body);
    const question = value.startsWith(QUESTION_PREFIX)
      ? value.slice(QUESTION_PREFIX.length)
      : (await investigation(value))?.question;
    if (!where || !question) {
      await tell(client, body, renderNotice('I could not find that investigation to run it again.'));
      return;
    }
    deps.runner.start({ question, userId: body.user.id, teamId: body.team?.id, client, ...where });
  });

  on(ACTION.showSql, async ({ body, value, client }) => {
    const record = await investigation(value);
    if (!record) {
      await tell(client, body, renderNotice('I could not find that investigation.'));
      return;
    }
    const events = await (await deps.engine.memory()).listEvents(record.id);
    const ran = events
      .filter((e) => e.type === 'sql')
      .map((e) => (e.payload as { sql?: unknown }).sql)
      .filter((sql): sql is string => typeof sql === 'string');
    await tell(client, body, renderSqlDetails(record.question, record.answer?.evidence ?? [], ran));
  });

  const feedback = async (body: ActionBody, value: string, helpful: boolean) =>
    recordFeedback(await deps.engine.memory(), {
      actor: body.user.id,
      investigationId: value.startsWith(QUESTION_PREFIX) ? null : value,
      helpful,
    });

  on(ACTION.helpful, async ({ body, value, client }) => {
    await feedback(body, value, true);
    const record = await investigation(value);
    const canPropose = deps.knowledge && record && proposalFrom(record, body.user.id);
    await tell(client, body, renderFeedbackThanks(true, canPropose ? { investigationId: record.id } : undefined));
  });

  on(ACTION.notHelpful, async ({ body, value, client }) => {
    await feedback(body, value, false);
    if (body.trigger_id && !value.startsWith(QUESTION_PREFIX)) {
      const view = renderNoteModal(value);
      await callSlack('views.open', () => client.views.open({ trigger_id: body.trigger_id!, view: view as never }), {
        sleep: deps.sleep,
        observer: deps.observer,
      });
    } else {
      await tell(client, body, renderFeedbackThanks(false, undefined));
    }
  });

  on(ACTION.propose, async ({ body, value, client, respond }) => {
    const record = await investigation(value);
    const proposal =
      deps.knowledge && record ? await proposeFromInvestigation(deps.knowledge, record, body.user.id) : undefined;
    if (!proposal) {
      await tell(client, body, renderNotice('There is no SQL to propose from that investigation.'));
      return;
    }
    await respond({ replace_original: true, response_type: 'ephemeral', ...renderProposed(proposal) });
  });

  const faqInput = (value: string) => {
    try {
      return faqValue.parse(JSON.parse(value));
    } catch {
      return undefined;
    }
  };

  /** The clicker as an actor, in the channel of the button. */
  const clicker = (body: ActionBody, client: WebClient) =>
    slackActor(
      {
        userId: body.user.id,
        teamId: body.team?.id,
        channel: body.channel?.id ?? body.container?.channel_id ?? '',
        client,
      },
      deps,
    );

  on(ACTION.faqShare, async ({ body, value, client, respond }) => {
    const input = faqInput(value);
    if (!input) return;
    const message = await faqReply(deps.knowledge, deps, input.q, await clicker(body, client), true);
    await respond({ response_type: 'in_channel', replace_original: false, ...message });
    await respond({ delete_original: true });
  });

  on(ACTION.faqOption, async ({ body, value, client, respond }) => {
    const input = faqInput(value);
    if (!input) return;
    const question = input.o ? `${input.q} (${input.o})` : input.q;
    await respond({
      response_type: 'ephemeral',
      replace_original: true,
      ...(await faqReply(deps.knowledge, deps, question, await clicker(body, client))),
    });
  });

  on(ACTION.faqInvestigate, async ({ body, value, client, respond }) => {
    const input = faqInput(value);
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (!input || !channel) return;
    const started = await startInChannel(deps, client, {
      question: input.q,
      userId: body.user.id,
      channel,
      teamId: body.team?.id,
    });
    await respond(
      started.ok
        ? { delete_original: true }
        : { response_type: 'ephemeral', replace_original: true, ...renderNotice(started.reason) },
    );
  });

  // "Not what I asked - investigate": the same question to the agent, bypassing the FAQ tier; in the answer's thread
  // when the answer is in one, else (an ephemeral /sleuth-faq reply) as a new thread in the channel.
  on(ACTION.faqNotWhatIAsked, async ({ body, value, client, respond }) => {
    const input = faqInput(value);
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (!input || !channel) return;
    const where = body.container?.is_ephemeral ? undefined : threadOf(body);
    if (where) {
      deps.runner.start({
        question: input.q,
        userId: body.user.id,
        teamId: body.team?.id,
        channel: where.channel,
        threadTs: where.threadTs,
        client,
        faq: false,
      });
      return;
    }
    const started = await startInChannel(deps, client, {
      question: input.q,
      userId: body.user.id,
      channel,
      teamId: body.team?.id,
      faq: false,
    });
    await respond(
      started.ok
        ? { delete_original: true }
        : { response_type: 'ephemeral', replace_original: true, ...renderNotice(started.reason) },
    );
  });

  app.view(CALLBACK.feedbackNote, async ({ ack, view, body }) => {
    await ack();
    const parsed = z
      .object({
        private_metadata: z.string(),
        state: z.object({
          values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }))),
        }),
      })
      .safeParse(view);
    const user = z.object({ user: z.object({ id: z.string() }) }).safeParse(body);
    if (!parsed.success) return;
    const note = parsed.data.state.values.note?.note?.value?.trim();
    if (!note) return;
    await recordFeedbackNote(await deps.engine.memory(), {
      actor: user.success ? user.data.user.id : null,
      investigationId: parsed.data.private_metadata,
      note,
    });
  });
}
