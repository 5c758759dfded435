/** Turning Slack-formatted user text into a plain question for the engine. */

/**
 * Removes the bot's own mention and unwraps Slack markup: `<@U1>` -> `@U1`, `<#C1|general>` -> `#general`,
 * `<https://x|label>` -> `label (https://x)`, `<https://x>` -> `https://x`; unescapes &amp; &lt; &gt;.
 */
export function questionFromSlack(text: string, botUserId?: string): string {
  let out = text;
  if (botUserId) out = out.split(`<@${botUserId}>`).join(' ');
  out = out
    .replace(/<@([A-Z0-9]+)(\|[^>]*)?>/g, '@$1')
    .replace(/<#([A-Z0-9]+)\|([^>]*)>/g, '#$2')
    .replace(/<#([A-Z0-9]+)>/g, '#$1')
    .replace(/<!([a-z]+)(\^[^|>]*)?(\|[^>]*)?>/g, '')
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return out.replace(/\s+/g, ' ').trim();
}

/** True when the text asks for help rather than asking a question. */
export function isHelpRequest(text: string): boolean {
  return /^(help|\?|-h|--help)?$/i.test(text.trim());
}
