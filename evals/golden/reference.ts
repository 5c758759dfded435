/**
 * The scripted reference model for the golden suite: per case, turns that run the gold SQL and finish with an answer
 * stating the case's facts, or (ambiguous/unanswerable cases) finish asking back or declining. It makes the whole
 * harness (engine, guard, executor, comparator, fact and behaviour scoring, cassettes, reports) run offline; its
 * scores say the harness works, not how good a model is.
 */
import { createScriptedProvider, type ModelProvider } from '../../src/agent/index.js';
import type { GoldenCase } from './dataset.js';

export function referenceProvider(c: GoldenCase, goldSql: string | undefined): ModelProvider {
  const plan = {
    tool_calls: [
      {
        name: 'update_plan',
        input: { steps: [{ title: 'Run the reference query', status: 'in_progress' }] },
      },
    ],
  };
  if (!goldSql) {
    const clarify = c.expected_behaviour === 'clarify';
    return createScriptedProvider(
      [
        {
          tool_calls: [
            {
              name: 'finish',
              input: clarify
                ? { answer: `Which one do you mean? ${c.note ?? ''}`.trim(), outcome: 'needs_clarification' }
                : {
                    answer: `This cannot be answered from this data. ${c.note ?? ''}`.trim(),
                    outcome: 'not_answerable',
                  },
            },
          ],
        },
      ],
      { model: 'reference' },
    );
  }
  const facts = (c.facts ?? []).map((f) => `${f.label}: ${f.value}`).join('; ');
  return createScriptedProvider(
    [
      plan,
      { tool_calls: [{ name: 'run_sql', input: { sql: goldSql, purpose: 'reference query' } }] },
      {
        tool_calls: [
          {
            name: 'finish',
            input: {
              answer: `Reference answer from the gold query.${facts ? ` ${facts}.` : ''}`,
              evidence: [{ claim: 'reference', sql: goldSql }],
              outcome: 'answered',
            },
          },
        ],
      },
    ],
    { model: 'reference' },
  );
}
