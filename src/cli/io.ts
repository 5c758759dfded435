import type { Readable, Writable } from 'node:stream';

/** Everything a command touches of the outside world, injected so commands run in-process in tests. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Subscribe to Ctrl-C; returns the unsubscribe function. Absent in tests that do not need it. */
  onInterrupt?: (handler: () => void) => () => void;
}

export function writeLine(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}

export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Ends a command with this exit status and no further message (the command already printed its outcome). */
export class ExitStatus extends Error {
  constructor(readonly status: number) {
    super(`exit status ${status}`);
    this.name = 'ExitStatus';
  }
}
