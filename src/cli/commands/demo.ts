import type { Command } from 'commander';
import { cliActor } from '../../common/actor.js';
import { isSleuthError } from '../../common/errors.js';
import { type CliIo, writeLine } from '../io.js';
import { renderEventLines } from '../render/events-text.js';
import { withContext } from './context.js';
import { printResult } from './sql.js';

const DEMO_QUERIES: { title: string; sql: string }[] = [
  {
    title: 'Signups last month by acquisition channel',
    sql: `SELECT acquisition_channel, COUNT(*) AS signups
FROM customers
WHERE signup_date >= date('now', 'start of month', '-1 month') AND signup_date < date('now', 'start of month')
GROUP BY acquisition_channel ORDER BY signups DESC`,
  },
  {
    title: 'Products sold below cost',
    sql: `SELECT p.sku, p.name, p.unit_price, p.unit_cost, SUM(oi.quantity) AS units_sold
FROM products p JOIN order_items oi ON oi.product_id = p.id
WHERE p.unit_cost > p.unit_price
GROUP BY p.sku, p.name, p.unit_price, p.unit_cost`,
  },
  {
    title: 'Refunds by region and month (top 5)',
    sql: `SELECT c.region, strftime('%Y-%m', r.refunded_at) AS month, COUNT(*) AS refunds, ROUND(SUM(r.amount), 2) AS amount
FROM refunds r JOIN orders o ON o.id = r.order_id JOIN customers cu ON cu.id = o.customer_id
JOIN countries c ON c.code = cu.country_code
GROUP BY c.region, month ORDER BY refunds DESC LIMIT 5`,
  },
];

const DEMO_QUESTION = 'How many customers signed up last month, and which channel drove it?';

const REFUSED_EXAMPLE = 'SELECT * FROM customers; DROP TABLE customers';

export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('Build the SQLite demo database (if needed) and run a few guarded queries on it')
    .addHelpText(
      'after',
      `
Uses the embedded defaults: no servers needed. The demo database lives under .sleuth/ (SLEUTH_DATA_DIR) and its dates
are relative to today (or SLEUTH_NOW), so "last month" always has data.

Examples:
  sleuth demo
  SLEUTH_NOW=2026-11-15 sleuth demo      reproducible output
  sleuth demo-db --dialect postgres --url postgres://localhost/shop   load the same data into PostgreSQL`,
    )
    .action(async () => {
      await withContext(io, async (context) => {
        const source = await context.demoSource();
        for (const query of DEMO_QUERIES) {
          writeLine(io.stdout, `\n== ${query.title}\n${query.sql}\n`);
          printResult(io, await context.executor.execute(source, anchorNow(query.sql, context.config.now)), 'table');
        }
        writeLine(io.stdout, `\n== The guard refuses anything but one read-only statement\n${REFUSED_EXAMPLE}\n`);
        try {
          await context.executor.execute(source, REFUSED_EXAMPLE);
        } catch (error) {
          if (!isSleuthError(error) || error.code !== 'SQL_REJECTED') throw error;
          writeLine(io.stdout, `refused: ${error.message}`);
        }
        const memory = await context.memory();
        const sessionId = (await memory.createSession({})).id;
        writeLine(io.stdout, '\n== Instant answers from verified queries (FAQ tier, no model)');
        for (const question of DEMO_FAQ_QUESTIONS) {
          writeLine(io.stdout, `\n> ${question}\n`);
          const started = Date.now();
          try {
            for await (const event of context.ask({ question, source, sessionId, actor: cliActor(io.env) })) {
              for (const line of renderEventLines(event)) writeLine(io.stdout, line);
            }
            writeLine(io.stdout, `(${Date.now() - started} ms)`);
          } catch (error) {
            if (!isSleuthError(error) || error.code !== 'MODEL_NOT_CONFIGURED') throw error;
            writeLine(io.stdout, 'No verified query answers this; it needs a model (see below).');
          }
        }
        if (!context.config.model) {
          const { MODEL_SETUP_HELP } = await import('../../agent/models/from-config.js');
          writeLine(io.stdout, `\n== Investigations\n${MODEL_SETUP_HELP}`);
          return;
        }
        writeLine(io.stdout, `\n== Asking: ${DEMO_QUESTION}\n`);
        for await (const event of context.ask({
          question: DEMO_QUESTION,
          source,
          sessionId,
          actor: cliActor(io.env),
        })) {
          for (const line of renderEventLines(event)) writeLine(io.stdout, line);
        }
      });
    });
}

/** Questions the starter knowledge base answers without a model (knowledge/verified/). */
const DEMO_FAQ_QUESTIONS = [
  'How many customers signed up last month?',
  'Which acquisition channel brought the most signups in the last 30 days?',
  'Top 5 products by revenue this year',
];

/** Replaces date('now', ...) with the pinned clock's date so SLEUTH_NOW gives reproducible output. */
function anchorNow(sql: string, now: Date | undefined): string {
  if (!now) return sql;
  return sql.replaceAll("date('now',", `date('${now.toISOString().slice(0, 10)}',`);
}
