/** Shared pieces of the model provider tests: requests, tools, a log capture and error unwrapping. */
import type { ModelMessage, ModelRequest, ModelToolSpec } from '../../../src/agent/models/index.js';
import { isSleuthError } from '../../../src/common/errors.js';
import { createLogger, type Logger } from '../../../src/common/logger.js';

export const silent = createLogger({ level: 'silent' });

export const TOOLS: ModelToolSpec[] = [
  { name: 'list_tables', description: 'List tables', inputSchema: { type: 'object', properties: {} } },
  {
    name: 'run_sql',
    description: 'Run one read-only SQL statement',
    inputSchema: { type: 'object', properties: { sql: { type: 'string' }, limit: { type: 'integer' } } },
  },
];

export const QUESTION: ModelMessage = { role: 'user', content: [{ type: 'text', text: 'How many customers?' }] };

export function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { system: 'You are Sleuth.', messages: [QUESTION], tools: TOOLS, maxTokens: 1024, ...overrides };
}

/** A sleep that returns at once and records what it was asked to wait. */
export function recordingSleep(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}

/** A warn-level logger writing JSON lines into `lines`. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'warn', destination: { write: (line: string) => lines.push(line) } }) };
}

/** The Sleuth error a promise rejects with (throws when it resolves or rejects with something else). */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; fault: string; stack: string }> {
  try {
    await promise;
  } catch (error) {
    if (isSleuthError(error)) {
      return { code: error.code, message: error.message, fault: error.fault, stack: error.stack ?? '' };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}
