/**
 * Making untrusted text safe to post. Threat model: cell values, column names, SQL and model text can contain Slack
 * control sequences. `<!channel>`, `<!here>`, `<!everyone>`, `<@U123>`, `<#C123>`, `<!subteam^S1>`, `<!date^...>` and
 * `<https://evil|innocent label>` are all written with `<` `>`, so escaping `&`, `<` and `>` (Slack's own rule) turns
 * every one of them into literal text. Plain `@here`/`@channel`/`@everyone` only notify when a message is sent with
 * link_names, which we never set; a word joiner after the `@` keeps them inert even if copied into a message that is.
 * Triple backticks would close our code blocks, so they are broken up inside them. Everything is length-capped.
 * Link unfurling is switched off on every message we post (unfurl_links / unfurl_media false).
 */

const WORD_JOINER = '\u2060';
const BROADCAST = /@(channel|here|everyone)\b/gi;
const USERISH_MENTION = /@([UWB][A-Z0-9]{6,})\b/g;

/** Escapes Slack's control characters and neutralises broadcast words. */
export function escapeText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(BROADCAST, `@${WORD_JOINER}$1`)
    .replace(USERISH_MENTION, `@${WORD_JOINER}$1`);
}

/** Neutralises broadcast words in plain_text fields (plain_text is not parsed for `<...>`, so no escaping). */
export function plainText(text: string, max: number): string {
  return truncate(text.replace(BROADCAST, `@${WORD_JOINER}$1`).replace(USERISH_MENTION, `@${WORD_JOINER}$1`), max);
}

/** Shortens to at most `max` characters, ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Escaped and capped mrkdwn text (the cap applies after escaping, so the posted length is bounded). */
export function safeText(text: string, max: number): string {
  return truncateEscaped(escapeText(text), max);
}

/** Cuts escaped text without splitting an entity such as `&amp;`. */
function truncateEscaped(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  let cut = escaped.slice(0, Math.max(0, max - 1));
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return `${cut}…`;
}

/** A fenced code block of untrusted text (SQL, tables), escaped and capped to `max` characters in total. */
export function codeBlock(text: string, max: number): string {
  const body = escapeText(text).replace(/```/g, '`\u200b`\u200b`');
  return `\`\`\`${truncateEscaped(body, Math.max(8, max - 6))}\`\`\``;
}

/** One line of inline text: newlines and tabs become spaces. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}
