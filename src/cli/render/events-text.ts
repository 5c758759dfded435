import type { FinalAnswer, InvestigationEventBody } from '../../agent/events.js';
import { formatTable } from '../format/table.js';

/**
 * Pure renderer: one engine event -> the lines the terminal shows for it (no ANSI, no I/O). The live view adds a
 * spinner on top; `sleuth show` replays the same lines from the recorded events.
 */
export function renderEventLines(event: InvestigationEventBody): string[] {
  switch (event.type) {
    case 'plan':
      return [
        event.revision === 1 ? 'Plan:' : `Plan (revision ${event.revision}):`,
        ...event.steps.map((s) => `  ${PLAN_MARK[s.status]} ${s.title}`),
      ];
    case 'step_started':
      return [];
    case 'thinking':
      return [`… ${event.text.split('\n')[0]}`];
    case 'tool_call':
      return event.tool === 'run_sql' ? [] : [`→ ${event.summary}`];
    case 'sql':
      return [`SQL${event.purpose ? ` (${event.purpose})` : ''}:`, ...indent(event.sql.trim().split('\n'))];
    case 'sql_result': {
      const table = formatTable(
        event.columns.map((c) => c.name),
        event.rows,
        { maxCellWidth: 40 },
      );
      const more = event.rowCount > event.rows.length ? `, first ${event.rows.length} shown` : '';
      const cut = event.truncated ? ', cut at the row cap' : '';
      return [...indent(table.split('\n')), `  (${rows(event.rowCount)}${more}${cut}, ${event.elapsedMs} ms)`];
    }
    case 'sql_error':
      return [`  ✗ ${event.code}: ${event.message}`];
    case 'insight':
      return [`★ ${event.text}`];
    case 'budget':
      return event.exhausted ? [`! Budget: ${event.kind} used up (${Math.round(event.used)} of ${event.limit})`] : [];
    case 'done':
      return renderAnswer(event.answer);
    case 'failed':
      return [`✗ Investigation failed (${event.error.code}): ${event.error.message}`];
    default:
      // an event type this version does not know (recorded by a newer one): nothing to show
      return [];
  }
}

const PLAN_MARK = { pending: '[ ]', in_progress: '[~]', done: '[x]', skipped: '[-]' } as const;

export function renderAnswer(answer: FinalAnswer): string[] {
  const lines = ['', answer.partial ? 'Answer (partial):' : 'Answer:', ...indent(answer.text.split('\n'))];
  if (answer.keyNumbers.length > 0) {
    lines.push(
      '',
      'Key numbers:',
      ...answer.keyNumbers.map((k) => `  - ${k.label}: ${k.value}${k.unit ? ` ${k.unit}` : ''}`),
    );
  }
  if (answer.evidence.length > 0) {
    lines.push('', 'Evidence:');
    for (const item of answer.evidence) {
      lines.push(
        `  - ${item.claim}${item.rowCount === undefined ? '' : ` (${rows(item.rowCount)})`}`,
        ...indent(item.sql.trim().split('\n'), 6),
      );
    }
  }
  if (answer.caveats.length > 0) lines.push('', 'Caveats:', ...answer.caveats.map((c) => `  - ${c}`));
  if (answer.followUps.length > 0) lines.push('', 'Follow-ups:', ...answer.followUps.map((f) => `  - ${f}`));
  return lines;
}

const rows = (n: number) => `${n} ${n === 1 ? 'row' : 'rows'}`;

function indent(lines: string[], by = 2): string[] {
  return lines.map((line) => `${' '.repeat(by)}${line}`);
}
