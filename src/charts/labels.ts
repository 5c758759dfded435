/**
 * Words for charts: titles cut at a word boundary, axis titles from column names ("units_sold" -> "Units sold",
 * "churn_pct" -> "Churn (%)", "revenue" -> "Revenue (USD)") and d3 number formats for the measure's kind.
 */
import { columnKind, type NumberFormat } from '../common/numbers.js';

/** A title no longer than `max`, cut at the last whole word (never mid-word), with an ellipsis when cut. */
export function humanTitle(text: string, max = 70): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 3 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/** "units_sold" -> "Units sold"; "churn_pct" -> "Churn (%)"; "revenue" -> "Revenue (USD)". */
export function axisTitle(column: string, format: NumberFormat): string {
  const kind = columnKind(column);
  const words = column
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[_\s-]+/)
    .filter((w) => w.length > 0 && !(kind === 'percent' && /^(pct|percent|percentage)$/i.test(w)))
    .map((w) => w.toLowerCase());
  const text = words.join(' ');
  const base = text.length > 0 ? `${text[0]!.toUpperCase()}${text.slice(1)}` : column;
  if (kind === 'percent') return `${base} (%)`;
  if (kind === 'currency') return `${base} (${format.currency})`;
  return base;
}

/** The d3 format of a measure axis: separators always, whole currency units, one decimal for percents. */
export function axisFormat(column: string): string {
  const kind = columnKind(column);
  if (kind === 'currency') return ',.0f';
  if (kind === 'percent') return ',.1~f';
  return ',.2~f';
}
