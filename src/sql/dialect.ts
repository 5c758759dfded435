/** The SQL dialects Sleuth speaks. `mariadb` covers MariaDB and MySQL (one family, one lexer). */
export type SqlDialect = 'postgres' | 'mariadb' | 'sqlite';

export const SQL_DIALECTS: readonly SqlDialect[] = ['postgres', 'mariadb', 'sqlite'];

export function isSqlDialect(value: string): value is SqlDialect {
  return (SQL_DIALECTS as readonly string[]).includes(value);
}
