/**
 * Small Block Kit builders. Text passed to `mrkdwn` must already be escaped (see escape.ts). Every mrkdwn object is
 * `verbatim`: Slack does no server-side auto-linking of URLs, channel names or mentions in it.
 */
import type { types } from '@slack/bolt';
import { plainText, truncate } from './escape.js';
import { SLACK_LIMITS } from './limits.js';

export type Block = types.KnownBlock;
export type ButtonElement = types.Button;

/** A message as we post it: fallback text (notifications, screen readers) and blocks. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export function section(mrkdwn: string, blockId?: string): Block {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(mrkdwn, SLACK_LIMITS.sectionText), verbatim: true },
    ...(blockId ? { block_id: blockId } : {}),
  };
}

export function fields(items: readonly string[]): Block {
  return {
    type: 'section',
    fields: items
      .slice(0, SLACK_LIMITS.sectionFields)
      .map((text) => ({ type: 'mrkdwn' as const, text: truncate(text, SLACK_LIMITS.fieldText), verbatim: true })),
  };
}

export function context(...items: readonly string[]): Block {
  return {
    type: 'context',
    elements: items
      .filter((item) => item.length > 0)
      .slice(0, SLACK_LIMITS.contextElements)
      .map((text) => ({ type: 'mrkdwn' as const, text: truncate(text, SLACK_LIMITS.contextText), verbatim: true })),
  };
}

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): ButtonElement {
  return {
    type: 'button',
    text: { type: 'plain_text', text: plainText(text, SLACK_LIMITS.buttonText), emoji: true },
    action_id: actionId,
    value: truncate(value, SLACK_LIMITS.buttonValue),
    ...(style ? { style } : {}),
  };
}

export function actions(blockId: string, elements: readonly ButtonElement[]): Block {
  return { type: 'actions', block_id: blockId, elements: elements.slice(0, SLACK_LIMITS.actionsElements) };
}

export function divider(): Block {
  return { type: 'divider' };
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: plainText(text, SLACK_LIMITS.headerText), emoji: true } };
}
