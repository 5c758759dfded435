import { describe, expect, it } from 'vitest';
import {
  createRecordingProvider,
  createReplayProvider,
  createScriptedProvider,
  emptyCassette,
  type ModelRequest,
  parseCassette,
  requestKey,
} from '../../../src/agent/index.js';
import { isSleuthError } from '../../../src/common/errors.js';

const TOOLS = [{ name: 'run_sql', description: 'Run one read-only statement', inputSchema: { type: 'object' } }];

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    system: 'You are Sleuth.',
    tools: TOOLS,
    maxTokens: 4096,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'How many customers?' }] }],
    ...overrides,
  };
}

async function missMessage(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isSleuthError(error) && error.code === 'CASSETTE_MISS') return error.message;
    throw error;
  }
  throw new Error('expected a cassette miss');
}

describe('cassettes', () => {
  it('keys a request by everything the model sees, and nothing else', () => {
    const base = requestKey(request());
    expect(requestKey(request())).toBe(base);
    expect(requestKey({ ...request(), signal: new AbortController().signal, onTextDelta: () => {} })).toBe(base);
    expect(requestKey(request({ system: 'You are Sleuth!' }))).not.toBe(base);
    expect(requestKey(request({ maxTokens: 1024 }))).not.toBe(base);
    expect(requestKey(request({ tools: [{ ...TOOLS[0]!, description: 'Run SQL' }] }))).not.toBe(base);
  });

  it('records each response once and replays it for the same request', async () => {
    const cassette = emptyCassette('scripted/test');
    const recording = createRecordingProvider(
      createScriptedProvider([{ text: 'first' }, { text: 'second' }]),
      cassette,
    );
    await recording.complete(request());
    await recording.complete(
      request({
        messages: [
          ...request().messages,
          { role: 'assistant', content: [{ type: 'text', text: 'first' }] },
          { role: 'user', content: [{ type: 'text', text: 'And orders?' }] },
        ],
      }),
    );
    expect(cassette.entries).toHaveLength(2);
    expect(cassette.entries[1]?.preview).toBe('And orders?');

    const replay = createReplayProvider(parseCassette(JSON.stringify(cassette), 'test.json'));
    expect(replay.id).toBe('replay:scripted');
    const again = await replay.complete(request());
    expect(again.content).toEqual([{ type: 'text', text: 'first' }]);
    // replay serves by key, not by position
    const second = await replay.complete(
      request({
        messages: [
          ...request().messages,
          { role: 'assistant', content: [{ type: 'text', text: 'first' }] },
          { role: 'user', content: [{ type: 'text', text: 'And orders?' }] },
        ],
      }),
    );
    expect(second.content).toEqual([{ type: 'text', text: 'second' }]);
  });

  it('reports a changed prompt, tool schema or message as a miss saying what differs', async () => {
    const cassette = emptyCassette('scripted/test');
    await createRecordingProvider(createScriptedProvider([{ text: 'ok' }]), cassette).complete(request());
    const replay = createReplayProvider(cassette);
    expect(await missMessage(replay.complete(request({ system: 'You are Sleuth, v3.' })))).toMatch(
      /the system prompt differs from the recording/,
    );
    expect(
      await missMessage(replay.complete(request({ tools: [{ ...TOOLS[0]!, inputSchema: { type: 'array' } }] }))),
    ).toMatch(/the tool schemas differ from the recording/);
    expect(
      await missMessage(
        replay.complete(
          request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'How many orders?' }] }] }),
        ),
      ),
    ).toMatch(/message 1 \(user\) differs from the recording/);
    expect(await missMessage(createReplayProvider(emptyCassette('none')).complete(request()))).toMatch(
      /the cassette is empty/,
    );
  });

  it('refuses files that are not cassettes', () => {
    expect(() => parseCassette('{', 'a.json')).toThrow(/a.json is not JSON/);
    expect(() => parseCassette('{"version":2,"entries":[]}', 'b.json')).toThrow(/not a version 1 cassette/);
  });
});
