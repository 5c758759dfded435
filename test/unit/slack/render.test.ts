/**
 * Block Kit for every message kind, snapshotted (test/unit/slack/__snapshots__), each checked against Slack's limits;
 * and renderers stay inside the limits however large the input.
 */
import { describe, expect, it } from 'vitest';
import type { InvestigationEventBody } from '../../../src/agent/index.js';
import type { FaqOutcome } from '../../../src/knowledge/types.js';
import {
  insightMarkdown,
  messageProblems,
  renderFailure,
  renderFaq,
  renderFeedbackThanks,
  renderFinal,
  renderHelp,
  renderHome,
  renderNoteModal,
  renderNotice,
  renderProgress,
  renderProposed,
  renderSqlDetails,
  taskChunks,
  viewProblems,
} from '../../../src/slack/render/index.js';
import { CANCELLED, DONE, FAILED, fold, QUESTION, RUNNING } from './states.js';

const RUN_ID = 'run-0001';

/** Every mrkdwn text in a payload: none may contain a raw < or > (no mentions, broadcasts or links), except `>` quotes. */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (!value || typeof value !== 'object') return [];
  const node = value as Record<string, unknown>;
  const own = node.type === 'mrkdwn' && typeof node.text === 'string' ? [node.text] : [];
  return [...own, ...Object.values(node).flatMap(mrkdwnTexts)];
}

function valid<T extends { text?: unknown; blocks?: unknown }>(message: T): T {
  expect(messageProblems(message)).toEqual([]);
  for (const text of [...mrkdwnTexts(message.blocks), String(message.text ?? '')]) expect(text).not.toMatch(/<|[^\n]>/);
  return message;
}

const answered: FaqOutcome = {
  kind: 'answered',
  verifiedQuery: {
    name: 'signups_by_channel',
    description: 'Signups by channel',
    owner: 'data-team',
    verifiedOn: '2026-10-01',
  },
  connection: 'demo',
  sql: 'SELECT acquisition_channel, COUNT(*) FROM customers GROUP BY 1',
  parameters: [{ name: 'period', display: 'October 2026', source: 'question' }],
  result: {
    columns: [
      { name: 'acquisition_channel', type: 'text' },
      { name: 'signups', type: 'integer' },
    ],
    rows: [['organic', 41]],
    rowCount: 1,
    truncated: false,
    elapsedMs: 2,
  },
  confidence: 0.91,
  elapsedMs: 7,
  interpretation: {
    text: 'Signups by acquisition channel, Oct 1-31 2026',
    measure: 'Signups',
    dimensions: ['acquisition channel'],
    filters: [],
    period: 'Oct 1-31 2026',
    defaultPeriod: false,
    range: { start: '2026-10-01', end: '2026-11-01' },
  },
  sentence: 'Signups by acquisition channel, Oct 1-31 2026: 1 row; first organic with 41 signups.',
};

describe('Block Kit snapshots', () => {
  it('live progress: plan checklist, current step, SQL with status, small table, Cancel', () => {
    expect(valid(renderProgress(fold(RUNNING), RUN_ID))).toMatchSnapshot();
  });

  it('final answer: key numbers, table, evidence, caveats, follow-ups, buttons', () => {
    expect(valid(renderFinal(fold(DONE)))).toMatchSnapshot();
  });

  it('failure: short reason and Re-run, no internals', () => {
    const message = valid(renderFinal(fold(FAILED)));
    expect(JSON.stringify(message)).not.toContain('x.ts:12');
    expect(message).toMatchSnapshot();
  });

  it('cancelled', () => {
    expect(valid(renderFinal(fold(CANCELLED)))).toMatchSnapshot();
  });

  it('failure before any event: Re-run carries the question', () => {
    const message = valid(renderFailure(fold([]), { code: 'MODEL_NOT_CONFIGURED', message: 'set ANTHROPIC_API_KEY' }));
    expect(JSON.stringify(message)).toContain(`"value":"q:${QUESTION}"`);
    expect(message).toMatchSnapshot();
  });

  it('Show SQL (ephemeral)', () => {
    const done = fold(DONE);
    const answer = done.outcome?.kind === 'done' ? done.outcome.answer : undefined;
    expect(valid(renderSqlDetails(QUESTION, answer!.evidence, []))).toMatchSnapshot();
  });

  it('help, notices and feedback replies', () => {
    expect(valid(renderHelp())).toMatchSnapshot();
    expect(valid(renderNotice('That investigation is no longer running.'))).toMatchSnapshot();
    expect(valid(renderFeedbackThanks(true, { investigationId: 'inv-0001' }))).toMatchSnapshot();
    expect(
      valid(
        renderProposed({
          id: 'proposal-1',
          question: QUESTION,
          sql: 'SELECT 1',
          connection: 'demo',
          investigationId: 'inv-0001',
          proposedBy: 'U1',
          note: null,
          status: 'pending',
          createdAt: '2026-11-15T12:00:00Z',
        }),
      ),
    ).toMatchSnapshot();
  });

  it('FAQ: answered, ask back, miss', () => {
    const message = valid(renderFaq('signups last month', answered));
    // the reading first, then the cited verified query, the sentence, the table; no warning signs
    const texts = JSON.stringify(message.blocks);
    expect(texts.indexOf('Signups by acquisition channel, Oct 1-31 2026')).toBeLessThan(
      texts.indexOf('signups_by_channel'),
    );
    expect(texts.indexOf('first organic with 41 signups')).toBeLessThan(texts.indexOf('acquisition_channel'));
    expect(texts).not.toContain(':warning:');
    expect(texts).toContain('Not what I asked - investigate');
    expect(message).toMatchSnapshot();
    expect(
      valid(
        renderFaq('revenue', {
          kind: 'ask_back',
          verifiedQuery: answered.verifiedQuery,
          connection: 'demo',
          prompt: 'Which period do you mean?',
          parameter: 'period',
          options: ['last month', 'Q3 2026'],
          confidence: 0.7,
        }),
      ),
    ).toMatchSnapshot();
    expect(
      valid(
        renderFaq('meaning of life', {
          kind: 'miss',
          confidence: 0.1,
          nearest: [{ name: 'signups_by_channel', confidence: 0.1 }],
        }),
      ),
    ).toMatchSnapshot();
  });

  it('App Home and the feedback note modal', () => {
    const home = renderHome({
      investigations: [
        {
          id: 'inv-1',
          question: QUESTION,
          status: 'succeeded',
          connection: 'demo',
          createdAt: new Date('2026-11-15T12:00:00Z'),
        },
        {
          id: 'inv-2',
          question: 'Revenue <!here>?',
          status: 'failed',
          connection: 'demo',
          createdAt: new Date('2026-11-14T09:30:00Z'),
        },
      ],
      connections: [
        { name: 'demo', dialect: 'sqlite' },
        { name: 'warehouse', dialect: 'postgres' },
      ],
      defaultConnection: 'demo',
      suggestions: ['How many signups last month?'],
    });
    expect(viewProblems(home)).toEqual([]);
    expect(home).toMatchSnapshot();
    const modal = renderNoteModal('inv-0001');
    expect(viewProblems(modal)).toEqual([]);
    expect(modal).toMatchSnapshot();
  });

  it('streaming chunks: plan and SQL runs as tasks, insights as markdown', () => {
    const state = fold(RUNNING);
    expect({ tasks: taskChunks(state), markdown: insightMarkdown(state, 0) }).toMatchSnapshot();
  });
});

describe('limits hold for any input', () => {
  const huge = 'x'.repeat(50_000);
  const many = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));

  it('progress with a long plan, many queries, wide results and huge texts', () => {
    const bodies: InvestigationEventBody[] = [
      { type: 'plan', revision: 1, steps: many(200, (i) => ({ title: `${huge} ${i}`, status: 'pending' as const })) },
      { type: 'step_started', step: 99, title: huge },
      ...many(60, (i): InvestigationEventBody[] => [
        { type: 'sql', callId: `c${i}`, connection: 'demo', sql: huge, purpose: huge },
        {
          type: 'sql_result',
          callId: `c${i}`,
          columns: many(40, (j) => ({ name: `${huge}${j}`, type: 'text' })),
          rows: many(10, () => many(40, () => huge)),
          rowCount: 10,
          truncated: true,
          elapsedMs: 1,
        },
      ]).flat(),
      { type: 'insight', text: huge },
    ];
    const state = fold(bodies, huge);
    valid(renderProgress(state, RUN_ID));
    const done = fold(
      [
        ...bodies,
        {
          type: 'done',
          answer: {
            text: huge,
            keyNumbers: many(30, () => ({ label: huge, value: huge, unit: huge })),
            evidence: many(30, (i) => ({ claim: huge, sql: `${huge}${i}` })),
            caveats: many(30, () => huge),
            followUps: many(30, () => huge),
            partial: true,
          },
        },
      ],
      huge,
    );
    valid(renderFinal(done));
    const answer = done.outcome?.kind === 'done' ? done.outcome.answer : undefined;
    valid(renderSqlDetails(huge, answer!.evidence, []));
    valid(renderFailure(fold([{ type: 'failed', error: { code: 'X', message: huge } }], huge)));
    for (const task of taskChunks(state)) {
      expect(task.title.length).toBeLessThanOrEqual(200);
      expect((task.details ?? '').length).toBeLessThanOrEqual(1000);
    }
  });

  it('FAQ and home with huge inputs', () => {
    valid(
      renderFaq(huge, {
        ...answered,
        verifiedQuery: { ...answered.verifiedQuery, description: huge, name: huge },
        sql: huge,
        parameters: many(30, () => ({ name: huge, display: huge, source: 'default' as const })),
        result: {
          ...answered.result,
          columns: many(30, () => ({ name: huge, type: 'text' })),
          rows: many(500, () => [huge]),
        },
      }),
    );
    const home = renderHome({
      investigations: many(200, (i) => ({
        id: `${i}`,
        question: huge,
        status: 'succeeded',
        connection: huge,
        createdAt: new Date(0),
      })),
      connections: many(200, () => ({ name: huge, dialect: huge })),
      defaultConnection: 'x',
      suggestions: many(50, () => huge),
    });
    expect(viewProblems(home)).toEqual([]);
  });
});
