/**
 * Schema retrieval at scale: loads the generated 500-table warehouse (evals/schema-scale/generate.ts) into a real
 * SQLite file and a real PostgreSQL database, indexes it with the knowledge base exactly as Sleuth does for any
 * connection (lexical only, no embeddings model), and measures recall@5 and recall@10: a question counts when all
 * the tables it needs are among the top k tables returned. The questions are split by a fixed hash into a dev half
 * and a frozen half; retrieval changes may be looked at on the dev half only, and the frozen half is what is reported.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import sqlite3 from 'sqlite3';
import { createSleuthContext } from '../../src/main.js';
import { type ScaleQuestion, scaleDdl, scaleQuestions, scaleTables } from './generate.js';

export interface ScaleRecall {
  dialect: 'sqlite' | 'postgres';
  tables: number;
  questions: number;
  dev: { questions: number; 'recall@5': number; 'recall@10': number };
  frozen: { questions: number; 'recall@5': number; 'recall@10': number };
  /** Dev-half questions missing a needed table in the top 10 (the frozen half's misses are never listed). */
  misses: string[];
}

/** The frozen half: a fixed hash of the question id, never chosen by looking at results. */
export function isFrozen(q: ScaleQuestion): boolean {
  return (createHash('sha256').update(q.id).digest()[0] ?? 0) % 2 === 0;
}

async function loadSqlite(path: string): Promise<void> {
  rmSync(path, { force: true });
  const db = new sqlite3.Database(path);
  const run = (sql: string) =>
    new Promise<void>((resolve, reject) => db.run(sql, (error) => (error ? reject(error) : resolve())));
  await run('BEGIN');
  for (const statement of scaleDdl('sqlite')) await run(statement);
  await run('COMMIT');
  await new Promise<void>((resolve) => db.close(() => resolve()));
}

async function loadPostgres(adminUrl: string, database: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query(`BEGIN; ${scaleDdl('postgres').join(';\n')}; COMMIT`);
  await client.end();
  return url.toString();
}

export async function measureScaleRecall(
  _root: string,
  dialect: 'sqlite' | 'postgres',
  options: { pgUrl?: string; suffix?: string } = {},
): Promise<ScaleRecall> {
  const work = mkdtempSync(join(tmpdir(), 'sleuth-scale-'));
  const knowledgeDir = join(work, 'knowledge');
  mkdirSync(knowledgeDir);
  let url: string;
  if (dialect === 'sqlite') {
    url = `sqlite:${join(work, 'scale.sqlite')}`;
    await loadSqlite(join(work, 'scale.sqlite'));
  } else {
    url = await loadPostgres(
      options.pgUrl ?? 'postgres://postgres@127.0.0.1:5432/test',
      `sleuth_scale${options.suffix ?? ''}`,
    );
  }
  const context = await createSleuthContext({
    env: {
      SLEUTH_DATA_DIR: join(work, 'data'),
      SLEUTH_KNOWLEDGE_DIR: knowledgeDir,
      SLEUTH_LOG_LEVEL: 'silent',
      SLEUTH_DB_SCALE_URL: url,
      SLEUTH_DEFAULT_DB: 'scale',
    },
    cwd: work,
  });
  try {
    const kb = await context.knowledge();
    await kb.sync();
    const questions = scaleQuestions();
    const found = new Map<string, string[]>();
    for (const q of questions)
      found.set(
        q.id,
        (await kb.search(q.question, { connection: 'scale', limit: 10, kinds: ['table'] })).map((h) => h.title),
      );
    const recall = (subset: ScaleQuestion[], k: number) =>
      round(
        subset.filter((q) => q.tables.every((t) => found.get(q.id)?.slice(0, k).includes(t))).length / subset.length,
      );
    const half = (frozen: boolean) => {
      const subset = questions.filter((q) => isFrozen(q) === frozen);
      return { questions: subset.length, 'recall@5': recall(subset, 5), 'recall@10': recall(subset, 10) };
    };
    // Misses of the dev half only: the frozen half is reported as a figure, never inspected question by question.
    const misses = questions
      .filter((q) => !isFrozen(q) && !q.tables.every((t) => found.get(q.id)?.includes(t)))
      .map((q) => `${q.id}: needs ${q.tables.join(', ')}; top: ${(found.get(q.id) ?? []).slice(0, 5).join(', ')}`);
    return {
      dialect,
      tables: scaleTables().length,
      questions: questions.length,
      dev: half(false),
      frozen: half(true),
      misses,
    };
  } finally {
    await context.close({ graceMs: 0 });
    rmSync(work, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
