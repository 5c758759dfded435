import { UsageError } from '../common/errors.js';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--since`: a span back from now (`30m`, `12h`, `7d`, `2w`) or an ISO date or timestamp (`2026-11-01`,
 * `2026-11-01T08:00:00Z`; a bare date is midnight UTC).
 */
export function parseSince(text: string, nowMs: number): Date {
  const trimmed = text.trim();
  const span = /^(\d+)\s*([mhdw])$/i.exec(trimmed);
  if (span) return new Date(nowMs - Number(span[1]) * UNITS[span[2]!.toLowerCase()]!);
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed);
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed) && !Number.isNaN(date.getTime())) return date;
  throw new UsageError(
    `--since must be a span such as 30m, 12h, 7d or 2w, or a date such as 2026-11-01 (got "${text}").`,
  );
}
