/** A small hand-written set of verified queries for the matcher tests. */
import type { LoadedVerifiedQuery } from '../../../src/knowledge/files.js';

type QueryInput = Pick<LoadedVerifiedQuery, 'name' | 'description' | 'questions' | 'parameters' | 'sql'>;

function query(input: QueryInput): LoadedVerifiedQuery {
  return {
    connection: 'demo',
    owner: 'analytics',
    verified_on: '2026-11-01',
    tags: [],
    file: `verified/${input.name}.yaml`,
    ...input,
  };
}

const RANGE = 'WHERE ordered_at >= {{period.start}} AND ordered_at < {{period.end}}';

export const QUERIES: readonly LoadedVerifiedQuery[] = [
  query({
    name: 'total_revenue',
    description: 'Total revenue from completed orders in the period.',
    questions: ['What was our total revenue?', 'Revenue last month', 'How much did we sell this year?'],
    parameters: { period: { type: 'date_range', default: 'last 30 days' } },
    sql: `SELECT SUM(total) FROM orders ${RANGE}`,
  }),
  query({
    name: 'revenue_by_country',
    description: 'Revenue from completed orders per customer country in the period.',
    questions: ['Revenue by country', 'Which countries bring in the most revenue?', 'Sales per country last quarter'],
    parameters: { period: { type: 'date_range', default: 'last 30 days' } },
    sql: `SELECT country, SUM(total) FROM orders ${RANGE} GROUP BY country`,
  }),
  query({
    name: 'signups',
    description: 'Number of new customers who signed up in the period.',
    questions: ['How many signups did we get?', 'New customers last month', 'How many people registered this week?'],
    parameters: { period: { type: 'date_range', default: 'last 30 days' } },
    sql: 'SELECT COUNT(*) FROM customers WHERE signup_date >= {{period.start}} AND signup_date < {{period.end}}',
  }),
  query({
    name: 'revenue_from_channel',
    description: 'Revenue from customers acquired through one acquisition channel in the period.',
    questions: ['Revenue from paid search last month', 'How much revenue came from email this year?'],
    parameters: {
      channel: {
        type: 'enum',
        values: ['paid_search', 'email', 'organic', 'social'],
        aliases: { paid_search: ['google ads'] },
      },
      period: { type: 'date_range', default: 'last 30 days' },
    },
    sql: `SELECT SUM(total) FROM orders ${RANGE} AND channel = {{channel}}`,
  }),
  query({
    name: 'top_products',
    description: 'Best-selling products by revenue in the period.',
    questions: ['Top 10 products by revenue', 'What are our best selling products?', 'Which items sell best?'],
    parameters: {
      limit: { type: 'number', default: 10, min: 1, max: 100 },
      period: { type: 'date_range', default: 'last 30 days' },
    },
    sql: `SELECT product, SUM(total) FROM orders ${RANGE} GROUP BY product ORDER BY 2 DESC LIMIT {{limit}}`,
  }),
];
