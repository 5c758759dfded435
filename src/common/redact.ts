/**
 * Secret redaction for anything that may reach a log, an error message or a model.
 * Contract: passwords inside connection URLs and well-known token shapes are replaced by "***".
 */

const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^@\s/]+)(@)/gi;
const TOKEN_SHAPES = [
  /\bxox[abposr]-[A-Za-z0-9-]{8,}/g, // Slack bot/user/app tokens
  /\bxapp-[A-Za-z0-9-]{8,}/g, // Slack app-level tokens
  /\bsk-ant-[A-Za-z0-9_-]{8,}/g, // Anthropic keys
  /\bsk-[A-Za-z0-9_-]{20,}/g, // OpenAI-style keys
  /\bslk_[0-9a-f]{16}_[A-Za-z0-9_-]{20,}/g, // Sleuth API keys
];

export function redactSecrets(text: string): string {
  let out = text.replace(URL_PASSWORD, '$1***$3');
  for (const shape of TOKEN_SHAPES) out = out.replace(shape, '***');
  return out;
}

/** A connection URL as it may be shown: the password (if any) replaced by ***. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}
