/** The FAQ tier's replies (/sleuth-faq): a verified answer, a question back, or a miss that offers an investigation. */
import type { FaqOutcome } from '../../knowledge/types.js';
import { actions, type Block, button, context, type SlackMessage, section } from './blocks.js';
import { codeBlock, oneLine, safeText, truncate } from './escape.js';
import { ACTION } from './ids.js';
import { assertMessageWithinLimits } from './limits.js';
import { renderTable } from './table.js';
import { questionLine } from './thread.js';

/** Button payload for FAQ follow-ups: the question (and the chosen option), as JSON within the value limit. */
export function faqValue(question: string, option?: string): string {
  return JSON.stringify(
    option === undefined ? { q: truncate(question, 1500) } : { q: truncate(question, 1500), o: truncate(option, 300) },
  );
}

export function renderFaq(question: string, outcome: FaqOutcome, options: { shared?: boolean } = {}): SlackMessage {
  const blocks: Block[] = [];
  if (outcome.kind === 'answered') {
    const vq = outcome.verifiedQuery;
    blocks.push(section(`:books: *${safeText(oneLine(vq.description || vq.name), 300)}*\n${questionLine(question)}`));
    blocks.push(section(renderTable(outcome.result.columns, outcome.result.rows, { maxRows: 10, maxChars: 2800 })));
    if (outcome.result.rowCount > 10 || outcome.result.truncated)
      blocks.push(context(`Showing 10 of ${outcome.result.rowCount}${outcome.result.truncated ? '+' : ''} rows.`));
    const params = outcome.parameters.map(
      (p) =>
        `${safeText(p.name, 60)}: ${safeText(oneLine(p.display), 120)}${p.source === 'default' ? ' (default)' : ''}`,
    );
    blocks.push(
      context(
        `:white_check_mark: Verified query \`${safeText(vq.name, 100)}\` · ${safeText(vq.owner, 80)} · verified ${safeText(vq.verifiedOn, 20)}`,
        params.length > 0 ? params.join(' · ') : '',
        `${safeText(outcome.connection, 60)} · ${Math.round(outcome.elapsedMs)} ms · match ${Math.round(outcome.confidence * 100)}%`,
      ),
      section(codeBlock(outcome.sql, 1500)),
    );
    if (!options.shared)
      blocks.push(actions('sleuth_faq', [button('Share in channel', ACTION.faqShare, faqValue(question))]));
    return assertMessageWithinLimits({ text: `Verified answer: ${safeText(oneLine(vq.name), 200)}`, blocks });
  }
  if (outcome.kind === 'ask_back') {
    blocks.push(section(`:thinking_face: ${safeText(outcome.prompt, 1000)}\n${questionLine(question)}`));
    if (outcome.options.length > 0)
      blocks.push(
        actions(
          'sleuth_faq_options',
          outcome.options.slice(0, 5).map((o) => button(truncate(o, 70), ACTION.faqOption, faqValue(question, o))),
        ),
      );
    blocks.push(
      context(
        `Verified query \`${safeText(outcome.verifiedQuery.name, 100)}\` needs: ${safeText(outcome.parameter, 60)}`,
      ),
    );
    return assertMessageWithinLimits({ text: safeText(outcome.prompt, 300), blocks });
  }
  blocks.push(section(`:mag: No verified answer matches this question.\n${questionLine(question)}`));
  if (outcome.nearest.length > 0)
    blocks.push(
      context(
        `Closest verified queries: ${outcome.nearest
          .slice(0, 3)
          .map((n) => `\`${safeText(n.name, 80)}\``)
          .join(', ')}`,
      ),
    );
  blocks.push(
    actions('sleuth_faq_miss', [button('Investigate it', ACTION.faqInvestigate, faqValue(question), 'primary')]),
  );
  return assertMessageWithinLimits({ text: 'No verified answer', blocks });
}
