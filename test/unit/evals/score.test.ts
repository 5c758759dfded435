import { describe, expect, it } from 'vitest';
import { factStated, numbersIn, observedBehaviour, scoreBehaviour, scoreFacts } from '../../../evals/golden/score.js';
import type { FinalAnswer } from '../../../src/agent/index.js';

function answer(text: string, extra: Partial<FinalAnswer> = {}): FinalAnswer {
  return { text, keyNumbers: [], evidence: [], caveats: [], followUps: [], partial: false, ...extra };
}

describe('answer facts', () => {
  it('reads numbers with separators, decimals and signs', () => {
    expect(numbersIn('Revenue was 1,234,567.89 (up 12.5%), churn -3 and 42 orders')).toEqual([
      1234567.89, 12.5, -3, 42,
    ]);
  });

  it('states a numeric fact only within its tolerance', () => {
    expect(factStated({ label: 'margin', value: 42.92, tolerance: 0.2 }, 'gross margin 42.8%')).toBe(true);
    expect(factStated({ label: 'margin', value: 42.92, tolerance: 0.2 }, 'gross margin 42.5%')).toBe(false);
    expect(factStated({ label: 'signups', value: 79, tolerance: 0 }, '79 signups')).toBe(true);
    expect(factStated({ label: 'signups', value: 79 }, '790 signups, 7.9 per day')).toBe(false);
    expect(factStated({ label: 'revenue', value: 1234567 }, 'revenue $1,234,567')).toBe(true);
  });

  it('states a text fact when its words appear, ignoring case and punctuation', () => {
    const fact = { label: 'campaign', value: 'Viral Summer Push' };
    expect(factStated(fact, 'driven by the "viral summer push" campaign')).toBe(true);
    expect(factStated(fact, 'a viral push in summer')).toBe(false);
    expect(factStated({ label: 'reason', value: 'not what was advertised' }, 'Reason: Not what was advertised.')).toBe(
      true,
    );
  });

  it('counts facts in the prose, key numbers and caveats, and names the missing ones', () => {
    const score = scoreFacts(
      [
        { label: 'a', value: 79 },
        { label: 'b', value: 101 },
        { label: 'c', value: 'Viral Summer Push' },
      ],
      answer('Signups spiked in June.', { keyNumbers: [{ label: 'campaign signups', value: '79' }] }),
    );
    expect(score).toEqual({ stated: 1, total: 3, missing: ['b', 'c'] });
    expect(scoreFacts([{ label: 'a', value: 1 }], undefined)).toEqual({ stated: 0, total: 1, missing: ['a'] });
  });
});

describe('ambiguous and unanswerable behaviour', () => {
  it('trusts the finish outcome when the model set it', () => {
    expect(observedBehaviour(answer('Here you go', { outcome: 'not_answerable' }))).toBe('refused');
    expect(observedBehaviour(answer('Here you go', { outcome: 'needs_clarification' }))).toBe('clarified');
    expect(observedBehaviour(answer('Here you go', { outcome: 'assumed' }))).toBe('assumed');
  });

  it('reads the text when no outcome was given', () => {
    expect(observedBehaviour(answer("We don't track Net Promoter Score; the closest is CSAT."))).toBe('refused');
    expect(observedBehaviour(answer('There is no data on employee salaries in this database.'))).toBe('refused');
    expect(observedBehaviour(answer('Do you mean lifetime revenue or current MRR?'))).toBe('clarified');
    expect(
      observedBehaviour(
        answer('Top customers by lifetime revenue: ...', { caveats: ['I assumed "best" means lifetime revenue.'] }),
      ),
    ).toBe('assumed');
    expect(observedBehaviour(answer('NPS is 42.'))).toBe('answered');
    expect(observedBehaviour(undefined)).toBe('no_answer');
  });

  it('passes clarify on a question or a stated assumption, and refuse only on a refusal', () => {
    expect(scoreBehaviour('clarify', answer('Which measure do you mean: revenue or MRR?')).ok).toBe(true);
    expect(
      scoreBehaviour('clarify', answer('Best customers: A, B, C.', { caveats: ['Assumed lifetime revenue.'] })).ok,
    ).toBe(true);
    const fabricated = scoreBehaviour(
      'refuse',
      answer('Our NPS is 42.', { evidence: [{ claim: 'nps', sql: 'SELECT 42' }] }),
    );
    expect(fabricated).toEqual({
      ok: false,
      observed: 'answered',
      reason: 'expected a plain "cannot answer", observed answered',
    });
    expect(scoreBehaviour('clarify', answer('Revenue was 10.')).ok).toBe(false);
  });
});
