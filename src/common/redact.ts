/**
 * Secret redaction for anything that may reach a log, an error message or a model.
 * Contract: passwords inside connection URLs (`scheme://user:password@host`, and `password=` parameters) and
 * well-known token shapes are replaced by "***". A SecretRedactor also replaces the literal secrets the
 * configuration holds (connection passwords, API keys, Slack tokens), whatever their shape.
 */

export interface SecretShape {
  pattern: RegExp;
  /** The capture group holding the secret (the groups before it cover the match up to it); whole match if omitted. */
  group?: number;
}

/**
 * Shapes of secrets. The URL password runs to the last `@` of the token, so a password with an unencoded `@`
 * is redacted whole (over-redacting the host is the safe side).
 */
export const SECRET_SHAPES: readonly SecretShape[] = [
  { pattern: /([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)(\S+)@/gi, group: 2 },
  { pattern: /([?&;\s]|^)((?:ssl)?pass(?:word|wd)?=|pwd=)([^&;\s'"]+)/gim, group: 3 },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{8,}/g }, // Slack bot/user tokens
  { pattern: /\bxapp-[A-Za-z0-9-]{8,}/g }, // Slack app-level tokens
  { pattern: /\bsk-ant-[A-Za-z0-9_-]{8,}/g }, // Anthropic keys
  { pattern: /\bsk-[A-Za-z0-9_-]{20,}/g }, // OpenAI-style keys
  { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g }, // AWS access key ids
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}/g }, // GitHub tokens
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}/g },
  { pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g }, // JWTs
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g },
  { pattern: /(\bBearer\s+)([A-Za-z0-9._~+/=-]{12,})/g, group: 2 },
  { pattern: /\bslk_[0-9a-f]{16}_[A-Za-z0-9_-]{20,}/g }, // Sleuth API keys
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const { pattern, group } of SECRET_SHAPES) {
    if (group === undefined) {
      out = out.replace(pattern, '***');
      continue;
    }
    out = out.replace(pattern, (...args: unknown[]) => {
      const parts = args.slice(0, -2) as (string | undefined)[];
      const whole = parts[0] ?? '';
      const secret = parts[group];
      if (!secret) return whole;
      // keep everything but the secret group: the groups before it, and what follows it in the match
      const before = parts.slice(1, group).join('');
      return `${before}***${whole.slice(before.length + secret.length)}`;
    });
  }
  return out;
}

/** A connection URL as it may be shown: the password (if any) replaced by ***. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}

/** Redacts shapes (redactSecrets) plus literal secrets registered with it. */
export interface SecretRedactor {
  /** Registers a secret (and its URL- and JSON-encoded forms); values under 6 characters are ignored (too likely
   * to be ordinary words; URL passwords are redacted by shape whatever their length). */
  add(secret: string | undefined): void;
  redact(text: string): string;
}

export function createSecretRedactor(secrets: Iterable<string | undefined> = []): SecretRedactor {
  const literals = new Set<string>();
  let ordered: string[] = [];
  const add = (secret: string | undefined) => {
    if (!secret || secret.length < 6) return;
    const before = literals.size;
    literals.add(secret);
    literals.add(encodeURIComponent(secret));
    literals.add(JSON.stringify(secret).slice(1, -1)); // as it appears inside a JSON log line
    if (literals.size !== before) ordered = [...literals].sort((a, b) => b.length - a.length);
  };
  for (const secret of secrets) add(secret);
  return {
    add,
    redact(text) {
      let out = text;
      for (const literal of ordered) if (out.includes(literal)) out = out.split(literal).join('***');
      return redactSecrets(out);
    },
  };
}

/** The password of a connection URL (decoded), from the userinfo or a `password=` parameter; undefined if none. */
export function urlPassword(url: string): string | undefined {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:(\S+)@/i.exec(url)?.[1];
  const param = /[?&](?:ssl)?pass(?:word)?=([^&]+)/i.exec(url)?.[1];
  const raw = userinfo ?? param;
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
