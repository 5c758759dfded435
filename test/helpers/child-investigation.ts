/**
 * Runs one investigation in a child process (for the restart test): memory on the PostgreSQL server in
 * SLEUTH_TEST_MEMORY_URL, the real Anthropic SDK against the peer at SLEUTH_TEST_PEER_URL, and prints each recorded
 * event as a JSON line. The test kills this process mid-investigation.
 */

import { createAnthropicProvider } from '../../src/agent/models/anthropic.js';
import { openMemoryStore } from '../../src/memory/index.js';
import { silentLogger } from './databases.js';
import { openDemoSource, runInvestigation } from './engine.js';

const store = await openMemoryStore({ url: process.env.SLEUTH_TEST_MEMORY_URL, logger: silentLogger });
const source = await openDemoSource('sqlite');
const provider = createAnthropicProvider({
  apiKey: 'sk-ant-test-key-0000000000',
  baseUrl: process.env.SLEUTH_TEST_PEER_URL,
  timeoutMs: 60_000,
  maxAttempts: 1,
  logger: silentLogger,
});
await runInvestigation({
  question: 'A question asked just before the process dies',
  source,
  model: provider,
  store,
  onEvent: (event) =>
    process.stdout.write(`${JSON.stringify({ id: event.investigationId, seq: event.seq, type: event.type })}\n`),
});
