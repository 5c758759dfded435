/**
 * A small stand-in for the knowledge base, implementing only the KnowledgeService interface the Slack app is coded
 * against (the real one is an external collaborator built separately). It answers one verified question, asks back
 * for a period on "revenue", and misses otherwise; proposals are recorded.
 */
import type {
  FaqOutcome,
  KnowledgeService,
  ProposeVerifiedQueryInput,
  VerifiedQueryProposal,
} from '../../../src/knowledge/types.js';

export interface FakeKnowledge extends KnowledgeService {
  questions: string[];
  proposals: ProposeVerifiedQueryInput[];
}

const SIGNUPS_REF = {
  name: 'signups_by_channel',
  description: 'Signups by acquisition channel',
  owner: 'data-team',
  verifiedOn: '2026-10-01',
};

export function fakeKnowledge(): FakeKnowledge {
  const questions: string[] = [];
  const proposals: ProposeVerifiedQueryInput[] = [];
  return {
    questions,
    proposals,
    async answerFaq({ question }): Promise<FaqOutcome> {
      questions.push(question);
      if (/signups|revenue.*last month/i.test(question)) {
        return {
          kind: 'answered',
          verifiedQuery: SIGNUPS_REF,
          connection: 'demo',
          sql: "SELECT acquisition_channel, COUNT(*) AS signups FROM customers WHERE signup_date >= '2026-10-01' GROUP BY 1",
          parameters: [{ name: 'period', display: '2026-10-01 .. 2026-10-31', source: 'question' }],
          result: {
            columns: [
              { name: 'acquisition_channel', type: 'text' },
              { name: 'signups', type: 'integer' },
            ],
            rows: [
              ['organic', 41],
              ['paid_social', 17],
            ],
            rowCount: 2,
            truncated: false,
            elapsedMs: 3,
          },
          confidence: 0.93,
          elapsedMs: 12,
        };
      }
      if (/revenue/i.test(question)) {
        return {
          kind: 'ask_back',
          verifiedQuery: { ...SIGNUPS_REF, name: 'revenue_by_period', description: 'Revenue for a period' },
          connection: 'demo',
          prompt: 'Which period do you mean? For example: last month, Q3 2026',
          parameter: 'period',
          options: ['last month', 'Q3 2026'],
          confidence: 0.8,
        };
      }
      return { kind: 'miss', confidence: 0.2, nearest: [{ name: 'signups_by_channel', confidence: 0.2 }] };
    },
    async suggestedQuestions(limit) {
      return [
        'How many signups last month by channel?',
        'What was revenue last month?',
        'Which products lose money?',
      ].slice(0, limit);
    },
    async proposeVerifiedQuery(input): Promise<VerifiedQueryProposal> {
      proposals.push(input);
      return {
        id: `proposal-${proposals.length}`,
        question: input.question,
        sql: input.sql,
        connection: input.connection,
        investigationId: input.investigationId ?? null,
        proposedBy: input.proposedBy ?? null,
        note: input.note ?? null,
        status: 'pending',
        createdAt: '2026-11-15T12:00:00.000Z',
      };
    },
  };
}
