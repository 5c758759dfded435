/**
 * The one place errors become MCP tool errors: `isError` results whose text starts with our stable code, with the
 * code (and the guard's code for a refused statement) in `_meta["sleuth/error"]` for programs. Our own messages are
 * written to be shown; anything else is logged with a reference and reported as INTERNAL, so stack traces, driver
 * internals and secrets never reach the client.
 */
import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type ErrorCode, isSleuthError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { redactSecrets } from '../../common/redact.js';

export const ERROR_META_KEY = 'sleuth/error';
const MAX_MESSAGE = 2_000;

export interface ToolErrorInfo {
  code: ErrorCode;
  message: string;
  guardCode?: string;
}

export function toolError(info: ToolErrorInfo): CallToolResult {
  const message = redactSecrets(info.message).slice(0, MAX_MESSAGE);
  return {
    isError: true,
    content: [{ type: 'text', text: `${info.code}: ${message}` }],
    _meta: {
      [ERROR_META_KEY]: { code: info.code, message, ...(info.guardCode ? { guardCode: info.guardCode } : {}) },
    },
  };
}

/** Our errors keep their code and message; anything else is INTERNAL with a reference to the log line. */
export function errorInfo(error: unknown, logger: Logger, tool: string): ToolErrorInfo {
  if (isSleuthError(error)) {
    const guardCode = typeof error.details.guardCode === 'string' ? error.details.guardCode : undefined;
    if (error.fault === 'bug') logger.error({ tool, err: error }, 'MCP tool failed (bug)');
    return { code: error.code, message: error.message, guardCode };
  }
  const reference = randomUUID().slice(0, 8);
  logger.error({ tool, reference, err: error }, 'MCP tool failed unexpectedly');
  return { code: 'INTERNAL', message: `Sleuth hit an unexpected error (reference ${reference} in the server log).` };
}
