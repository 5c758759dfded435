/** A connection as read from env or file, before defaults and URL validation. */
export interface ConnectionConfigDraft {
  url: string;
  timeoutMs?: number;
  maxRows?: number;
  description?: string;
  allowFunctions?: readonly string[];
}
