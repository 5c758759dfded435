import { describe, expect, it } from 'vitest';
import { DEFAULT_FAQ_SETTINGS, decide, type FaqSettings } from '../../../src/knowledge/faq.js';
import type { MatchCandidate } from '../../../src/knowledge/matcher.js';
import { QUERIES } from './queries.js';

const SETTINGS: FaqSettings = { threshold: 0.7, margin: 0.05, maxRows: 100 };

function ranked(...confidences: number[]): MatchCandidate[] {
  return confidences.map((confidence, i) => ({
    query: QUERIES[i % QUERIES.length]!,
    confidence,
    lexical: confidence,
    vector: null,
    extraction: { kind: 'complete', parameters: [], spans: [] },
  }));
}

describe('decide', () => {
  it.each([
    ['nothing ranked', [], null],
    ['a single candidate below the threshold', [0.69], null],
    ['a single candidate at the threshold', [0.7], 0],
    ['a single candidate above the threshold', [0.95], 0],
    ['a clear winner', [0.9, 0.8], 0],
    ['a winner by more than the margin', [0.75, 0.5], 0],
    ['a runner-up within the margin', [0.9, 0.87], null],
    ['a tie', [0.9, 0.9], null],
    ['a winner above 1 (named-value bonus) with a close runner-up', [1.06, 1.03], null],
    ['a winner above 1 with a distant runner-up', [1.06, 0.5], 0],
    ['a runner-up within the margin of a winner below the threshold', [0.6, 0.1], null],
    ['a third candidate close to the winner but a distant runner-up', [0.9, 0.5, 0.5], 0],
  ] as const)('%s -> %s', (_label, confidences, expected) => {
    const list = ranked(...confidences);
    const chosen = decide(list, SETTINGS);
    if (expected === null) expect(chosen).toBeNull();
    else expect(chosen).toBe(list[expected]);
  });

  it('chooses a winner ahead by exactly the margin, not one ahead by less', () => {
    // 1, 0.75 and 0.25 are exact in binary floating point
    const settings = { ...SETTINGS, threshold: 0.5, margin: 0.25 };
    const exact = ranked(1, 0.75);
    expect(decide(exact, settings)).toBe(exact[0]);
    expect(decide(ranked(1, 0.76), settings)).toBeNull();
  });

  it('uses the given threshold and margin', () => {
    const list = ranked(0.6, 0.58);
    expect(decide(list, { ...SETTINGS, threshold: 0.5, margin: 0.01 })).toBe(list[0]);
    expect(decide(list, { ...SETTINGS, threshold: 0.5, margin: 0.05 })).toBeNull();
    expect(decide(list, { ...SETTINGS, threshold: 0.65, margin: 0.01 })).toBeNull();
  });

  it('has calibrated defaults: threshold 0.7, margin 0.04', () => {
    expect(DEFAULT_FAQ_SETTINGS).toMatchObject({ threshold: 0.7, margin: 0.04 });
    const list = ranked(0.8, 0.75);
    expect(decide(list, DEFAULT_FAQ_SETTINGS)).toBe(list[0]);
  });
});
