/**
 * After an answer: the full result of large evidence queries as CSV in the thread, and a chart image when the main
 * result is a time series or a breakdown. Full results come from a guarded, read-only re-run of the statement the
 * investigation already ran (the engine's events carry only the first rows), through the engine's runSql for the
 * asking user, so the file carries the same masked values as the message.
 */
import { axisTitle, renderResultChart } from '../charts/index.js';
import type { Actor } from '../common/actor.js';
import type { Logger } from '../common/logger.js';
import { DEFAULT_NUMBER_FORMAT } from '../common/numbers.js';
import type { QueryResult } from '../sql/index.js';
import {
  finalEvidence,
  plainText,
  type RenderOptions,
  type SqlEntry,
  type ThreadState,
  toCsv,
} from './render/index.js';
import type { SlackEngine } from './types.js';
import { callSlack, type SlackCallObserver, type Sleep, type WebClient } from './web.js';

export interface AttachmentTarget {
  client: WebClient;
  channel: string;
  threadTs: string;
  /** Who asked: the re-run happens under their access policy (masked columns stay masked). */
  actor: Actor;
}

export interface AttachmentDeps {
  engine: SlackEngine;
  logger: Logger;
  csvRowThreshold: number;
  charts: boolean;
  sleep?: Sleep;
  observer?: SlackCallObserver;
  /** The data's "now" (a partial last period is left out of charts). */
  now?: Date;
  /** The same options the final message was rendered with (its table decisions decide the CSV files). */
  render?: RenderOptions;
}

const MAX_FILES = 3;

type Rows = Pick<QueryResult, 'columns' | 'rows' | 'rowCount' | 'truncated'>;

async function fullResult(run: SqlEntry, actor: Actor, deps: AttachmentDeps): Promise<Rows> {
  if (run.columns && run.rows && run.rows.length >= (run.rowCount ?? 0)) {
    return {
      columns: [...run.columns],
      rows: run.rows.map((r) => [...r]),
      rowCount: run.rowCount ?? 0,
      truncated: !!run.truncated,
    };
  }
  return deps.engine.runSql({ sql: run.sql, db: run.connection, actor });
}

export async function postAttachments(
  state: ThreadState,
  target: AttachmentTarget,
  deps: AttachmentDeps,
): Promise<void> {
  if (state.outcome?.kind !== 'done') return;
  const { answer } = state.outcome;
  // the final message's own decision: evidence it could not show in full goes up as CSV
  const evidence = finalEvidence(state, deps.render);
  const upload = (filename: string, file: Buffer, title: string, altText?: string) =>
    callSlack(
      'files.uploadV2',
      () =>
        target.client.filesUploadV2({
          channel_id: target.channel,
          thread_ts: target.threadTs,
          file,
          filename,
          title,
          ...(altText ? { alt_text: plainText(altText, 1000) } : {}),
        }),
      { sleep: deps.sleep, observer: deps.observer },
    );

  let files = 0;
  // the chart plots the evidence and measure the answer named (finish: chart_evidence, chart_measure), else the first
  const charted = (answer.chartSpec?.evidence ?? 1) - 1;
  const chartRun = evidence.find((e) => e.index === charted) ?? evidence[0];
  const format = deps.render?.format ?? DEFAULT_NUMBER_FORMAT;
  for (const [index, { run, csv, claim }] of evidence.entries()) {
    const large = csv || (run.rowCount ?? 0) > deps.csvRowThreshold;
    const chartable = deps.charts && evidence[index] === chartRun && answer.chart !== 'none';
    if (!large && !chartable) continue;
    try {
      const result = await fullResult(run, target.actor, deps);
      if (large && files < MAX_FILES) {
        const cut = result.truncated ? ' (cut at the row cap)' : '';
        await upload(
          `sleuth-result-${index + 1}.csv`,
          Buffer.from(toCsv(result.columns, result.rows), 'utf8'),
          `${result.rowCount} rows${cut}`,
        );
        files++;
      }
      if (chartable && files < MAX_FILES) {
        const chart = await renderResultChart(result, {
          ...(answer.chart ? { requested: answer.chart } : {}),
          ...(answer.chartSpec
            ? { wish: { measures: answer.chartSpec.measures, series: answer.chartSpec.series } }
            : {}),
          ...(deps.now ? { now: deps.now } : {}),
          format,
          title: claim,
        });
        if (chart) {
          const what = `${chart.measures.map((m) => axisTitle(m, format)).join(' and ')} by ${axisTitle(chart.x, format).toLowerCase()}`;
          await upload(
            `sleuth-chart-${index + 1}.png`,
            chart.png,
            `Chart: ${what}${chart.note ? `. ${chart.note}` : ''}`,
            `${chart.kind} chart of ${what}: ${claim}`,
          );
          files++;
        }
      }
    } catch (error) {
      deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'posting a result file failed');
    }
  }
}
