/** App Home: the user's recent investigations, the connected databases (names only, never URLs), how to ask. */

import { shortId } from '../../common/numbers.js';
import { type Block, context, divider, header, section } from './blocks.js';
import { oneLine, safeText } from './escape.js';
import { assertViewWithinLimits } from './limits.js';

export interface HomeInvestigation {
  id: string;
  question: string;
  status: string;
  connection: string;
  createdAt: Date;
  /** The Slack thread it ran in (a chat.getPermalink URL), when it ran in one. */
  link?: string;
}

/** Only Slack's own https permalinks become links; anything else is dropped. */
const SLACK_PERMALINK =
  /^https:\/\/[a-z0-9-]+(\.enterprise)?\.slack\.com\/archives\/[A-Z0-9]+\/p\d+(\?[a-z0-9_=&.]*)?$/i;

export interface HomeInput {
  investigations: readonly HomeInvestigation[];
  connections: readonly { name: string; dialect: string }[];
  defaultConnection: string;
  suggestions: readonly string[];
}

const STATUS_ICON: Record<string, string> = {
  succeeded: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':stop_sign:',
  running: ':hourglass_flowing_sand:',
  queued: ':hourglass:',
  interrupted: ':warning:',
};

export function renderHome(input: HomeInput): { type: 'home'; blocks: Block[] } {
  const blocks: Block[] = [
    header('Sleuth'),
    section('Ask data questions in plain language; I answer with the SQL and the numbers behind them.'),
  ];
  blocks.push(header('Your recent investigations'));
  if (input.investigations.length === 0)
    blocks.push(context('Nothing yet. Mention @Sleuth in a channel or DM me a question.'));
  for (const inv of input.investigations.slice(0, 15)) {
    const when = inv.createdAt.toISOString().slice(0, 16).replace('T', ' ');
    blocks.push(
      section(`${STATUS_ICON[inv.status] ?? ':grey_question:'} ${safeText(oneLine(inv.question), 300)}`),
      context(
        `${safeText(inv.status, 20)} · ${safeText(inv.connection, 60)} · ${when} UTC · id ${safeText(shortId(inv.id), 60)}${
          inv.link && SLACK_PERMALINK.test(inv.link) ? ` · <${inv.link}|open the thread>` : ''
        }`,
      ),
    );
  }
  blocks.push(divider(), header('Connected databases'));
  const connections = input.connections
    .slice(0, 25)
    .map(
      (c) =>
        `• *${safeText(c.name, 60)}* (${safeText(c.dialect, 20)})${c.name === input.defaultConnection ? ' — default' : ''}`,
    );
  blocks.push(section(connections.length > 0 ? connections.join('\n') : 'No databases are connected yet.'));
  blocks.push(divider(), header('How to ask'));
  blocks.push(
    section(
      [
        '• Mention `@Sleuth` with a question in any channel I am in; I answer in a thread and you can follow up there.',
        '• DM me, or use the assistant panel.',
        '• `/sleuth &lt;question&gt;` to investigate, `/sleuth-faq &lt;question&gt;` for an instant verified answer, `/sleuth help`.',
      ].join('\n'),
    ),
  );
  if (input.suggestions.length > 0) {
    blocks.push(
      section(
        `*Try:*\n${input.suggestions
          .slice(0, 5)
          .map((s) => `• ${safeText(oneLine(s), 200)}`)
          .join('\n')}`,
      ),
    );
  }
  return assertViewWithinLimits({ type: 'home', blocks });
}
