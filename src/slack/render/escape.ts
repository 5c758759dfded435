/**
 * Making untrusted text safe to post. Threat model: cell values, column names, SQL and model text can contain Slack
 * control sequences and links (a prompt-injected model, or a planted row, trying to exfiltrate data through a URL
 * that Slack fetches or a reader clicks). `<!channel>`, `<!here>`, `<!everyone>`, `<@U123>`, `<#C123>`,
 * `<!subteam^S1>`, `<!date^...>` and `<https://evil|innocent label>` are all written with `<` `>`, so escaping `&`,
 * `<` and `>` (Slack's own rule) turns every one of them into literal text. Plain `@here`/`@channel`/`@everyone`
 * only notify when a message is sent with link_names, which we never set; a word joiner after the `@` keeps them
 * inert even if copied into a message that is. Bare URLs, `www.` hosts, domains and email addresses would still be
 * auto-linked by Slack clients, so they are defanged (`hxxps://evil[.]example/x`, `j***@example[.]com`), and
 * Markdown link and image syntax (`[x](url)`, `![x](url)`, which streamed markdown would render) is broken up.
 * Triple backticks would close our code blocks, so they are broken up inside them. Everything is length-capped.
 * Link unfurling is switched off on every message we post (unfurl_links / unfurl_media false), and every mrkdwn
 * text object is `verbatim` (no server-side auto-linking).
 */

const WORD_JOINER = '\u2060';
const ZERO_WIDTH_SPACE = '\u200b';
const BROADCAST = /@(channel|here|everyone)\b/gi;
const USERISH_MENTION = /@([UWB][A-Z0-9]{6,})\b/g;
/** A URL scheme Slack or a Markdown renderer would turn into a link. */
const SCHEME =
  /\b(https?|ftps?|sftp|wss?|file|data|javascript|vbscript|slack|tel|sms|mailto|callto|skype|ssh|git|irc)(:\/\/|:)/gi;
/** Top-level domains that mark a bare host (`evil.example`, `bit.ly`) wherever they appear. */
const HOST_TLDS = new Set(
  'com net org info biz io ly gl gg sh xyz ru cn tk ml ga cf uk fr nl eu au jp br es ch se pl be dk fi ie nz sg hk kr tw mx ar za ua cz pt gr ro hu il vn th ph pk bd ng ke eg sa ae ws su example test invalid onion click online site'.split(
    ' ',
  ),
);
/** Top-level domains that are also common column names (`o.id`, `c.email`): a host only with a path or two labels. */
const WEAK_TLDS = new Set(
  'co ai me to so dev app de it in us ca at no is id tv cc fm am im one top live link page shop store cloud tech blog news art email zip mov fun wiki'.split(
    ' ',
  ),
);
const BARE_HOST =
  /(?<![\w.@/-])((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+)([A-Za-z]{2,24})(?![A-Za-z0-9-])/g;

function defangHost(match: string, labels: string, tld: string, offset: number, whole: string): string {
  const lower = tld.toLowerCase();
  const next = whole[offset + match.length] ?? '';
  const host = HOST_TLDS.has(lower) || (WEAK_TLDS.has(lower) && (labels.split('.').length > 2 || /[/:]/.test(next)));
  return host ? `${labels.replace(/\./g, '[.]')}${tld}` : match;
}

/**
 * Text that no Slack client or Markdown renderer turns into a link: schemes defanged (`hxxps://`, `mailto[:]`),
 * the dots of hosts, domains and email domains bracketed (`evil[.]example`), `](` and `![` broken up. Ordinary
 * dotted words (`customers.email`, `o.total`, `3.5`) are left alone: only known top-level domains count as hosts.
 */
export function defangLinks(text: string): string {
  return defangSchemes(text)
    .replace(/\bwww\./gi, 'www[.]')
    .replace(/@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})/g, (_, domain: string) => `@${domain.replace(/\./g, '[.]')}`)
    .replace(BARE_HOST, defangHost)
    .replace(/\]\(/g, `]${ZERO_WIDTH_SPACE}(`)
    .replace(/!\[/g, `!${ZERO_WIDTH_SPACE}[`);
}

/** Only URL schemes defanged (`hxxps[://]`, `mailto[:]`): for files (CSV) that should stay close to the data. */
export function defangSchemes(text: string): string {
  return text.replace(SCHEME, (_, scheme: string, sep: string) => {
    const lower = scheme.toLowerCase();
    const name = lower.startsWith('http') ? lower.replace('tt', 'xx') : lower;
    return sep === '://' ? `${name}[://]` : `${name}[:]`;
  });
}

/** Escapes Slack's control characters, neutralises broadcast words and defangs links. */
export function escapeText(text: string): string {
  return defangLinks(
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(BROADCAST, `@${WORD_JOINER}$1`)
      .replace(USERISH_MENTION, `@${WORD_JOINER}$1`),
  );
}

/** Neutralises broadcast words and links in plain_text fields (plain_text is not parsed for `<...>`). */
export function plainText(text: string, max: number): string {
  return truncate(
    defangLinks(text.replace(BROADCAST, `@${WORD_JOINER}$1`).replace(USERISH_MENTION, `@${WORD_JOINER}$1`)),
    max,
  );
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
