/** The FAQ tier's replies (/sleuth-faq): a verified answer, a question back, or a miss that offers an investigation. */
import type { FaqOutcome } from '../../knowledge/types.js';
import { actions, type Block, button, context, type SlackMessage, section } from './blocks.js';
import { codeBlock, oneLine, safeText, truncate } from './escape.js';
import { ACTION, faqValue } from './ids.js';
import { assertMessageWithinLimits } from './limits.js';
import { renderTable } from './table.js';
import { questionLine } from './thread.js';

export { faqValue } from './ids.js';

export function renderFaq(question: string, outcome: FaqOutcome, options: { shared?: boolean } = {}): SlackMessage {
  const blocks: Block[] = [];
  if (outcome.kind === 'answered') {
    const vq = outcome.verifiedQuery;
    // How the question was read comes first (measure, breakdown, filters, period; a default period said so), then
    // the verified query cited, one sentence from the rows, and the table.
    const reading = outcome.interpretation?.text ?? vq.description ?? vq.name;
    blocks.push(section(`:books: *${safeText(oneLine(reading), 300)}*\n${questionLine(question)}`));
    blocks.push(
      context(
        `Verified query \`${safeText(vq.name, 100)}\` · ${safeText(vq.owner, 80)} · verified ${safeText(vq.verifiedOn, 20)} · answered without a model`,
      ),
    );
    if (outcome.sentence) blocks.push(section(safeText(outcome.sentence, 1000)));
    blocks.push(section(renderTable(outcome.result.columns, outcome.result.rows, { maxRows: 10, maxChars: 2800 })));
    if (outcome.result.rowCount > 10 || outcome.result.truncated)
      blocks.push(context(`Showing 10 of ${outcome.result.rowCount}${outcome.result.truncated ? '+' : ''} rows.`));
    blocks.push(
      context(`${safeText(outcome.connection, 60)} · ${Math.round(outcome.elapsedMs)} ms`),
      section(codeBlock(outcome.sql, 1500)),
    );
    const investigate = button('Not what I asked - investigate', ACTION.faqNotWhatIAsked, faqValue(question));
    blocks.push(
      actions(
        'sleuth_faq',
        options.shared ? [investigate] : [button('Share in channel', ACTION.faqShare, faqValue(question)), investigate],
      ),
    );
    return assertMessageWithinLimits({ text: `Verified answer: ${safeText(oneLine(vq.name), 200)}`, blocks });
  }
  if (outcome.kind === 'ask_back') {
    const reading = outcome.interpretation ? `${safeText(oneLine(outcome.interpretation.text), 300)}\n` : '';
    blocks.push(section(`:thinking_face: ${reading}${safeText(outcome.prompt, 1000)}\n${questionLine(question)}`));
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
