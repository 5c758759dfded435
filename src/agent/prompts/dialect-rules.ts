import type { SqlDialect } from '../../sql/dialect.js';

/** Short, practical rules per dialect: the mistakes models make most often. */
export const DIALECT_RULES: Readonly<Record<SqlDialect, { name: string; rules: string }>> = {
  postgres: {
    name: 'PostgreSQL',
    rules: [
      "- Dates: date_trunc('month', ts), ts::date, now(), interval '30 days', extract(year from ts).",
      '- Integer division truncates: cast to numeric for ratios (count(*)::numeric / nullif(total, 0)).',
      '- Quote identifiers with double quotes; strings with single quotes. ILIKE for case-insensitive matching.',
      '- Use FILTER (WHERE ...) for conditional aggregates, and round(x::numeric, 2) for money.',
    ].join('\n'),
  },
  mariadb: {
    name: 'MariaDB/MySQL',
    rules: [
      "- Dates: DATE_FORMAT(ts, '%Y-%m'), DATE(ts), CURDATE(), DATE_SUB(d, INTERVAL 30 DAY), YEAR(ts), MONTH(ts).",
      '- Quote identifiers with backticks; strings with single quotes.',
      '- Conditional aggregates: SUM(CASE WHEN ... THEN 1 ELSE 0 END). No FILTER clause, no FULL OUTER JOIN.',
      '- Division returns decimals; use ROUND(x, 2) for money.',
    ].join('\n'),
  },
  sqlite: {
    name: 'SQLite',
    rules: [
      "- Dates are TEXT: 'YYYY-MM-DD' and 'YYYY-MM-DD HH:MM:SS'. Use strftime('%Y-%m', col), date(col), date('now'),",
      "  date(d, '-30 days'), date(d, 'start of month'). Compare dates as text in that format.",
      '- Integer division truncates: multiply by 1.0 for ratios.',
      '- Quote identifiers with double quotes; strings with single quotes. No FULL OUTER JOIN in old versions.',
    ].join('\n'),
  },
};
