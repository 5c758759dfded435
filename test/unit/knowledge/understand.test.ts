import { beforeAll, describe, expect, it } from 'vitest';
import { createFaqWorld, type FaqWorld } from './faq-world.js';

/**
 * Development questions for the FAQ tier's proof (written here, not taken from any evaluation set), over the real
 * verified queries. Anchor: Sunday 2026-11-15.
 */
let world: FaqWorld;
beforeAll(async () => {
  world = await createFaqWorld();
});

describe('the examples of issue 14 never get a wrong instant answer', () => {
  it.each([
    'How many customers do we have in total?',
    'revenue by region last quarter',
    'top 5 products by units sold',
    'how many customers are in Canada',
    'revenue by week',
    'which customers churned last week?',
  ])('%s -> goes to the agent', (question) => {
    expect(world.ask(question)).toMatchObject({ kind: 'miss', name: null });
  });

  it('reads "all time" as the whole history, not the default', () => {
    expect(world.ask('top 5 products by revenue, all time')).toMatchObject({
      kind: 'answered',
      name: 'top_products_by_revenue',
      params: { limit: '5', period: '1900-01-01..2026-11-16' },
    });
  });

  it('asks back for "this time last year" instead of reading it as all of 2025', () => {
    expect(world.ask('revenue this time last year')).toMatchObject({ kind: 'ask_back', name: 'revenue_total' });
  });

  it('ends "this month" today', () => {
    expect(world.ask('revenue this month')).toMatchObject({ params: { period: '2026-11-01..2026-11-16' } });
  });
});

describe('Slack-style questions', () => {
  it.each([
    ['hey <@U123ABC> whats rev for last qtr?', 'revenue_total', { period: '2026-07-01..2026-10-01' }],
    ['@sleuth pls revnue by month this yr', 'revenue_by_month', { period: '2026-01-01..2026-11-16' }],
    ['how many ordres last wk', 'orders_count', { period: '2026-11-02..2026-11-09' }],
    ['can you show me signups H1 2025', 'signups_total', { period: '2025-01-01..2025-07-01' }],
    ['revenue first half of 2026', 'revenue_total', { period: '2026-01-01..2026-07-01' }],
    ['signups so far this month', 'signups_total', { period: '2026-11-01..2026-11-16' }],
    ["what's our AOV mtd?", 'average_order_value', { period: '2026-11-01..2026-11-16' }],
    ['roas by campaign ytd', 'campaign_roas', { period: '2026-01-01..2026-11-16' }],
    ['cac by channel last qtr', 'cost_per_signup_by_channel', { period: '2026-07-01..2026-10-01' }],
    ['mrr pls', 'mrr_current', {}],
    ['thx! signups by regoin last month', 'signups_by_region', { period: '2026-10-01..2026-11-01' }],
  ])('%s -> %s', (question, name, params) => {
    expect(world.ask(question)).toMatchObject({ kind: 'answered', name, params });
  });
});

describe('structure decides: measure, breakdown, filters, ranking', () => {
  it.each([
    ['How many canceled orders did we have last week?', 'orders_with_status', { status: 'cancelled' }],
    ['How many REFUNDED orders did we have in Q2?', 'orders_with_status', { status: 'refunded' }],
    ['What share of orders were refunded last year?', 'refund_rate', {}],
    ['How much money did we refund this year?', 'refunds_total', {}],
    ['revenue in Germany last month', 'revenue_in_country', { country: 'Germany' }],
    ['new customers from the partner channel since January', 'signups_from_channel', { channel: 'partner' }],
    ['Which region had the most signups this year?', 'signups_by_region', {}],
    ['Who are our top 10 customers by revenue?', 'top_customers_by_revenue', { limit: '10' }],
    ['highest revenue software products last quarter', 'top_products_in_category', { category: 'Software' }],
    ['Sales of products named Backpack by product in the last 30 days', 'product_search_sales', { term: 'Backpack' }],
    ['How many enterprise accounts do we have?', 'customers_on_plan', { plan: 'enterprise' }],
  ])('%s -> %s', (question, name, params) => {
    expect(world.ask(question)).toMatchObject({ kind: 'answered', name, params });
  });

  it.each([
    // another measure than the query's
    'units sold by product last month',
    'signups in Canada last month',
    'orders by region',
    // a ranking the query does not have, or the wrong direction
    'lowest revenue countries last year',
    'bottom 5 products by revenue',
    // a filter the query does not apply
    'revenue from the pro plan last month',
    'signups in Europe this year',
    // a period on a query without one
    'MRR by plan last year',
    // words nothing explains
    'Signups by hour of the day',
    'Which products have never been sold?',
    'why did revenue drop last month?',
    'forecast revenue for next quarter',
    'revenue growth year over year',
    // a total asked of a query broken down by plan or product (its rows are not the total)
    'How many subscriptions were cancelled this quarter?',
    'How much revenue from products named Backpack in the last 30 days?',
    // a limit the query does not take ("three"), and a period that has not ended ("Q4" in November)
    'Which three countries brought in the most revenue last month?',
    'How much did we make in Q4?',
    // a ranking whose key is not said
    'Who are our best customers?',
    // a comparison of two periods
    'revenue this month vs last month',
    // a ratio no verified query computes
    'revenue per order last month',
  ])('%s -> goes to the agent', (question) => {
    expect(world.ask(question)).toMatchObject({ kind: 'miss' });
  });
});

describe('a share, a list, a grain or a name the query does not give goes to the agent', () => {
  it.each([
    // a share of something the query does not give a share of (its share is of satisfied ratings)
    'What share of closed tickets get a satisfaction rating?',
    // the things themselves, not what the query measures about them
    'Which products have "widget" in their name?',
    'which orders are pending right now?',
    'Which enterprise accounts do we have?',
    // every customer, where the query gives a top N
    'revenue by customer last month',
    // a time grain no verified query has
    'revenue by quarter for 2025',
    'daily orders last week',
    // "US" in capitals is a country, not "us"
    'signups by month in 2025 from the US',
  ])('%s -> goes to the agent', (question) => {
    expect(world.ask(question)).toMatchObject({ kind: 'miss', name: null });
  });

  it('answers a share with the query that gives that share', () => {
    expect(world.ask('What share of current MRR comes from each plan?')).toMatchObject({
      kind: 'answered',
      name: 'mrr_by_plan',
    });
    expect(world.ask('what % of orders got cancelled last month')).toMatchObject({
      kind: 'answered',
      name: 'orders_with_status',
      params: { status: 'cancelled' },
    });
  });

  it('takes a one-word value the reading found ("were cancelled") instead of asking back for it', () => {
    expect(world.ask('How many orders were cancelled last month?')).toMatchObject({
      kind: 'answered',
      name: 'orders_with_status',
      params: { status: 'cancelled', period: '2026-10-01..2026-11-01' },
    });
  });

  it('answers a name search per product, but not one total over the products found', () => {
    expect(world.ask('Sales of products called cooler this year')).toMatchObject({
      kind: 'answered',
      name: 'product_search_sales',
      params: { term: 'cooler' },
    });
    expect(world.ask('How much revenue from products named Backpack in the last 30 days?')).toMatchObject({
      kind: 'miss',
    });
  });
});
