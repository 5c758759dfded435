/** Minimal promise wrappers over node-sqlite3's callback API, for the demo loader only. */
import sqlite3 from 'sqlite3';

export type SqliteDatabase = sqlite3.Database;
export type SqliteStatement = sqlite3.Statement;

export function openSqlite(path: string, readOnly = false): Promise<SqliteDatabase> {
  const mode = readOnly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
  return new Promise((resolve, reject) => {
    const db: SqliteDatabase = new sqlite3.Database(path, mode, (error) => (error ? reject(error) : resolve(db)));
  });
}

export function execSqlite(db: SqliteDatabase, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
}

export function allSqlite<T>(db: SqliteDatabase, sql: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) =>
    db.all(sql, params, (error: Error | null, rows: T[]) => (error ? reject(error) : resolve(rows))),
  );
}

export function prepareSqlite(db: SqliteDatabase, sql: string): Promise<SqliteStatement> {
  return new Promise((resolve, reject) => {
    const statement = db.prepare(sql, (error) => (error ? reject(error) : resolve(statement)));
  });
}

export function runStatement(statement: SqliteStatement, params: unknown[]): Promise<void> {
  return new Promise((resolve, reject) =>
    statement.run(params, (error: Error | null) => (error ? reject(error) : resolve())),
  );
}

export function finalizeStatement(statement: SqliteStatement): Promise<void> {
  return new Promise((resolve) => statement.finalize(() => resolve()));
}

export function closeSqlite(db: SqliteDatabase): Promise<void> {
  return new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
}
