/**
 * Slack's Block Kit limits, checked on every payload before it is posted (and by the tests against every recorded
 * call). Renderers truncate so they stay inside; this validator is the net that turns a renderer bug into a clear
 * error instead of Slack's `invalid_blocks`.
 */
import { BugError } from '../../common/errors.js';

export const SLACK_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  messageText: 40_000,
  imageAltText: 2000,
  inputLabel: 2000,
  viewTitle: 24,
  privateMetadata: 3000,
  markdownBlockText: 12_000,
} as const;

type Json = Record<string, unknown>;

function textOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && typeof (value as Json).text === 'string')
    return (value as Json).text as string;
  return undefined;
}

function checkText(problems: string[], where: string, value: unknown, max: number): void {
  const text = textOf(value);
  if (text !== undefined && text.length > max)
    problems.push(`${where}: text is ${text.length} characters (max ${max})`);
  if (text !== undefined && text.length === 0) problems.push(`${where}: text is empty`);
}

function checkElement(problems: string[], where: string, element: Json): void {
  if (typeof element.action_id === 'string' && element.action_id.length > SLACK_LIMITS.actionId)
    problems.push(`${where}: action_id too long`);
  if (element.type === 'button') {
    checkText(problems, where, element.text, SLACK_LIMITS.buttonText);
    if (typeof element.value === 'string' && element.value.length > SLACK_LIMITS.buttonValue)
      problems.push(`${where}: button value is ${element.value.length} characters (max ${SLACK_LIMITS.buttonValue})`);
  }
}

function checkBlock(problems: string[], block: Json, index: number): void {
  const where = `block ${index} (${String(block.type)})`;
  if (typeof block.block_id === 'string' && block.block_id.length > SLACK_LIMITS.blockId)
    problems.push(`${where}: block_id too long`);
  switch (block.type) {
    case 'section': {
      checkText(problems, where, block.text, SLACK_LIMITS.sectionText);
      const fields = Array.isArray(block.fields) ? (block.fields as unknown[]) : [];
      if (fields.length > SLACK_LIMITS.sectionFields) problems.push(`${where}: ${fields.length} fields (max 10)`);
      for (const [i, field] of fields.entries())
        checkText(problems, `${where} field ${i}`, field, SLACK_LIMITS.fieldText);
      if (!block.text && fields.length === 0) problems.push(`${where}: needs text or fields`);
      if (block.accessory) checkElement(problems, `${where} accessory`, block.accessory as Json);
      break;
    }
    case 'header':
      checkText(problems, where, block.text, SLACK_LIMITS.headerText);
      break;
    case 'context': {
      const elements = Array.isArray(block.elements) ? (block.elements as Json[]) : [];
      if (elements.length === 0 || elements.length > SLACK_LIMITS.contextElements)
        problems.push(`${where}: ${elements.length} elements (1..${SLACK_LIMITS.contextElements})`);
      for (const [i, e] of elements.entries())
        checkText(problems, `${where} element ${i}`, e, SLACK_LIMITS.contextText);
      break;
    }
    case 'actions': {
      const elements = Array.isArray(block.elements) ? (block.elements as Json[]) : [];
      if (elements.length === 0 || elements.length > SLACK_LIMITS.actionsElements)
        problems.push(`${where}: ${elements.length} elements (1..${SLACK_LIMITS.actionsElements})`);
      for (const [i, e] of elements.entries()) checkElement(problems, `${where} element ${i}`, e);
      break;
    }
    case 'image':
      if (typeof block.alt_text === 'string' && block.alt_text.length > SLACK_LIMITS.imageAltText)
        problems.push(`${where}: alt_text too long`);
      break;
    case 'input':
      checkText(problems, where, block.label, SLACK_LIMITS.inputLabel);
      break;
    case 'markdown':
      if (typeof block.text === 'string' && block.text.length > SLACK_LIMITS.markdownBlockText)
        problems.push(`${where}: markdown text too long`);
      break;
    default:
      break;
  }
}

/** Problems with a list of blocks (empty when valid). `surface` picks the block cap: 50 in messages, 100 in views. */
export function blockProblems(blocks: readonly unknown[], surface: 'message' | 'view' = 'message'): string[] {
  const problems: string[] = [];
  const max = surface === 'message' ? SLACK_LIMITS.messageBlocks : SLACK_LIMITS.viewBlocks;
  if (blocks.length > max) problems.push(`${blocks.length} blocks (max ${max})`);
  for (const [index, block] of blocks.entries()) checkBlock(problems, block as Json, index);
  return problems;
}

/** Problems with a message payload ({ text, blocks }). */
export function messageProblems(message: { text?: unknown; blocks?: unknown }): string[] {
  const problems = Array.isArray(message.blocks) ? blockProblems(message.blocks, 'message') : [];
  if (typeof message.text === 'string' && message.text.length > SLACK_LIMITS.messageText)
    problems.push(`text is ${message.text.length} characters (max ${SLACK_LIMITS.messageText})`);
  return problems;
}

/** Problems with a view payload (modal or App Home). */
export function viewProblems(view: Json): string[] {
  const problems = Array.isArray(view.blocks) ? blockProblems(view.blocks, 'view') : ['view has no blocks'];
  if (view.title) checkText(problems, 'view title', view.title, SLACK_LIMITS.viewTitle);
  if (view.submit) checkText(problems, 'view submit', view.submit, SLACK_LIMITS.viewTitle);
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > SLACK_LIMITS.privateMetadata)
    problems.push('view private_metadata too long');
  return problems;
}

/** Throws (a bug: renderers must stay inside the limits) when a message breaks a limit; returns it otherwise. */
export function assertMessageWithinLimits<T extends { text?: unknown; blocks?: unknown }>(message: T): T {
  const problems = messageProblems(message);
  if (problems.length > 0) throw new BugError(`Slack message over limits: ${problems.join('; ')}`);
  return message;
}

export function assertViewWithinLimits<T extends Json>(view: T): T {
  const problems = viewProblems(view);
  if (problems.length > 0) throw new BugError(`Slack view over limits: ${problems.join('; ')}`);
  return view;
}
