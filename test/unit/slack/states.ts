/** Thread states built from engine events through the real reducer, for renderer tests. */
import type { InvestigationEvent, InvestigationEventBody } from '../../../src/agent/index.js';
import { initialState, reduceEvent, type ThreadState } from '../../../src/slack/render/index.js';

export const QUESTION = 'How many customers signed up last month, and which channel drove it?';
export const INVESTIGATION = 'inv-0001';
const SQL = `SELECT acquisition_channel, COUNT(*) AS signups
FROM customers
WHERE signup_date >= '2026-10-01' AND signup_date < '2026-11-01'
GROUP BY acquisition_channel ORDER BY signups DESC`;

export function fold(bodies: InvestigationEventBody[], question = QUESTION): ThreadState {
  return bodies.reduce(
    (state, body, i) =>
      reduceEvent(state, {
        ...body,
        investigationId: INVESTIGATION,
        seq: i + 1,
        at: new Date(Date.UTC(2026, 10, 15, 12, 0, i)).toISOString(),
      } as InvestigationEvent),
    initialState(question),
  );
}

export const RUNNING: InvestigationEventBody[] = [
  { type: 'step_started', step: 1, title: 'Planning' },
  {
    type: 'plan',
    revision: 1,
    steps: [
      { title: 'Find where signups live', status: 'done' },
      { title: "Count last month's signups by channel", status: 'in_progress' },
      { title: 'Check the spike is real', status: 'pending' },
    ],
  },
  { type: 'step_started', step: 3, title: 'Counting signups last month.' },
  { type: 'sql', callId: 'c1', connection: 'demo', sql: 'SELECT acquisition_chanel FROM customers', purpose: 'typo' },
  { type: 'sql_error', callId: 'c1', code: 'SQL_ERROR', message: 'no such column: acquisition_chanel' },
  { type: 'sql', callId: 'c2', connection: 'demo', sql: SQL, purpose: 'signups last month by channel' },
  {
    type: 'sql_result',
    callId: 'c2',
    columns: [
      { name: 'acquisition_channel', type: 'text' },
      { name: 'signups', type: 'integer' },
    ],
    rows: [
      ['organic', 41],
      ['paid_search', 30],
      ['paid_social', 17],
    ],
    rowCount: 3,
    truncated: false,
    elapsedMs: 4,
  },
  { type: 'insight', text: 'Organic leads, paid social is third.' },
];

export const DONE: InvestigationEventBody[] = [
  ...RUNNING,
  {
    type: 'done',
    answer: {
      text: 'Last month (October 2026) the top acquisition channel was organic with 41 signups.',
      keyNumbers: [
        { label: 'Top channel', value: 'organic' },
        { label: 'Signups', value: '88', unit: 'customers' },
      ],
      evidence: [{ claim: 'Signups by channel in October 2026', sql: SQL, rowCount: 3 }],
      caveats: ['signup_date is the account creation date in UTC.'],
      followUps: ['How did paid_social signups retain?'],
      partial: false,
    },
  },
];

export const FAILED: InvestigationEventBody[] = [
  ...RUNNING.slice(0, 5),
  { type: 'failed', error: { code: 'MODEL_UNAVAILABLE', message: 'upstream 529 overloaded at x.ts:12' } },
];

export const CANCELLED: InvestigationEventBody[] = [
  ...RUNNING.slice(0, 3),
  { type: 'failed', error: { code: 'INVESTIGATION_CANCELLED', message: 'The investigation was cancelled.' } },
];
