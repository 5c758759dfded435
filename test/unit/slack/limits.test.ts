import { describe, expect, it } from 'vitest';
import { blockProblems, messageProblems, SLACK_LIMITS, viewProblems } from '../../../src/slack/index.js';
import { assertMessageWithinLimits } from '../../../src/slack/render/index.js';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('Block Kit limit validator', () => {
  it('accepts a message at the limits', () => {
    const blocks = Array.from({ length: 50 }, () => section('x'.repeat(3000)));
    expect(messageProblems({ text: 'ok', blocks })).toEqual([]);
  });

  it('flags too many blocks and too long section text', () => {
    expect(blockProblems(Array.from({ length: 51 }, () => section('x')))).toEqual(['51 blocks (max 50)']);
    expect(blockProblems([section('x'.repeat(3001))])).toEqual([
      'block 0 (section): text is 3001 characters (max 3000)',
    ]);
  });

  it('flags fields, context, actions, buttons and headers over their limits', () => {
    const problems = blockProblems([
      { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'x'.repeat(2001) })) },
      { type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'x' })) },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'x'.repeat(76) },
            action_id: 'a',
            value: 'v'.repeat(2001),
          },
        ],
      },
      { type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } },
      { type: 'section', text: { type: 'mrkdwn', text: '' } },
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        'block 0 (section): 11 fields (max 10)',
        'block 0 (section) field 0: text is 2001 characters (max 2000)',
        'block 1 (context): 11 elements (1..10)',
        'block 2 (actions) element 0: text is 76 characters (max 75)',
        'block 2 (actions) element 0: button value is 2001 characters (max 2000)',
        'block 3 (header): text is 151 characters (max 150)',
        'block 4 (section): text is empty',
      ]),
    );
  });

  it('allows 100 blocks in views, not 101', () => {
    const blocks = Array.from({ length: 100 }, () => section('x'));
    expect(viewProblems({ type: 'home', blocks })).toEqual([]);
    expect(viewProblems({ type: 'home', blocks: [...blocks, section('x')] })).toEqual(['101 blocks (max 100)']);
    expect(
      viewProblems({ type: 'modal', title: { type: 'plain_text', text: 'x'.repeat(25) }, blocks: [section('x')] }),
    ).toEqual(['view title: text is 25 characters (max 24)']);
  });

  it('turns a renderer overflow into an error instead of a post', () => {
    expect(() =>
      assertMessageWithinLimits({ text: 'x', blocks: [section('x'.repeat(SLACK_LIMITS.sectionText + 1))] }),
    ).toThrow(/over limits/);
  });
});
