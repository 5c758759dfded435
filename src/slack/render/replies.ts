/**
 * Smaller messages: Show SQL (ephemeral), help, feedback replies and the feedback note modal. Pure and limit-checked.
 */
import type { Evidence } from '../../agent/index.js';
import type { VerifiedQueryProposal } from '../../knowledge/types.js';
import { actions, type Block, button, context, type SlackMessage, section } from './blocks.js';
import { codeBlock, oneLine, plainText, safeText } from './escape.js';
import { ACTION, CALLBACK } from './ids.js';
import { assertMessageWithinLimits, assertViewWithinLimits } from './limits.js';
import { questionLine } from './thread.js';

/** The SQL behind an answer (ephemeral to whoever clicked Show SQL). */
export function renderSqlDetails(
  question: string,
  evidence: readonly Evidence[],
  ran: readonly string[],
): SlackMessage {
  const blocks: Block[] = [section(`*SQL behind this answer*\n${questionLine(question)}`)];
  const items: { claim: string; sql: string; rowCount?: number }[] =
    evidence.length > 0 ? [...evidence] : ran.map((sql, i) => ({ claim: `Query ${i + 1}`, sql }));
  for (const item of items.slice(0, 10)) {
    const rows = item.rowCount === undefined ? '' : ` · ${item.rowCount} rows`;
    blocks.push(context(`${safeText(oneLine(item.claim), 300)}${rows}`), section(codeBlock(item.sql, 2900)));
  }
  if (items.length === 0) blocks.push(context('No SQL ran in this investigation.'));
  return assertMessageWithinLimits({ text: 'SQL behind this answer', blocks });
}

export function renderHelp(): SlackMessage {
  const blocks: Block[] = [
    section(
      [
        '*Sleuth answers data questions with evidence.*',
        '• Mention me in a channel: `@Sleuth how many customers signed up last month?` — I reply in a thread and show my work.',
        '• Reply in the thread (mention me again in channels) to follow up; I remember the conversation.',
        '• DM me, or open me in the assistant panel, to ask privately.',
        '• `/sleuth &lt;question&gt;` starts an investigation in this channel.',
        '• `/sleuth-faq &lt;question&gt;` answers instantly from verified queries only (just for you, share if useful).',
        '• Under each answer: *Show SQL*, *Re-run*, *Cancel* while running, and feedback. *Helpful* offers to save the question as a verified query.',
      ].join('\n'),
    ),
    context('Sleuth only runs read-only SQL that passes its safety guard.'),
  ];
  return assertMessageWithinLimits({ text: 'How to use Sleuth', blocks });
}

export function renderFeedbackThanks(
  helpful: boolean,
  offerProposal: { investigationId: string } | undefined,
): SlackMessage {
  const blocks: Block[] = [
    section(helpful ? ':thumbsup: Thanks, glad it helped.' : ':thumbsdown: Thanks for the feedback.'),
  ];
  if (offerProposal) {
    blocks.push(
      section('Save this question and its SQL as a *verified query*? An admin confirms it before it is used.'),
      actions('sleuth_propose', [
        button('Propose as verified query', ACTION.propose, offerProposal.investigationId, 'primary'),
      ]),
    );
  }
  return assertMessageWithinLimits({ text: 'Thanks for the feedback', blocks });
}

export function renderProposed(proposal: VerifiedQueryProposal): SlackMessage {
  return assertMessageWithinLimits({
    text: 'Proposed as a verified query',
    blocks: [
      section(
        `:inbox_tray: Proposed as a verified query (${safeText(proposal.id, 80)}, ${safeText(proposal.status, 20)}). An admin will review it.\n${questionLine(proposal.question)}`,
      ),
    ],
  });
}

export function renderNotice(text: string): SlackMessage {
  return assertMessageWithinLimits({ text: safeText(text, 300), blocks: [section(safeText(text, 2000))] });
}

/** The optional note after "Not helpful". */
export function renderNoteModal(investigationId: string): Record<string, unknown> {
  return assertViewWithinLimits({
    type: 'modal',
    callback_id: CALLBACK.feedbackNote,
    private_metadata: investigationId,
    title: { type: 'plain_text', text: plainText('What was off?', 24) },
    submit: { type: 'plain_text', text: 'Send' },
    close: { type: 'plain_text', text: 'Skip' },
    blocks: [
      {
        type: 'input',
        block_id: 'note',
        optional: true,
        label: { type: 'plain_text', text: 'Optional note for the team' },
        element: {
          type: 'plain_text_input',
          action_id: 'note',
          multiline: true,
          max_length: 2000,
          placeholder: { type: 'plain_text', text: 'Wrong table, wrong period, missing filter…' },
        },
      },
    ],
  });
}
