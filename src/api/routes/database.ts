/** Guarded SQL and schema, through the context's runSql/schema (the guard and every guardrail for the actor). */
import { errorResponse, executeBody, executeResponse, schemaQuery, schemaResponse } from '../schemas.js';
import type { ApiContext } from '../types.js';
import { API_PREFIX, checkConnection } from './common.js';
import { type ApiRoute, defineRoute } from './define.js';

const error = (description: string) => ({ description, schema: errorResponse });

export function databaseRoutes(context: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: `${API_PREFIX}/database/execute`,
      operationId: 'executeSql',
      summary: 'Run one read-only statement through the guard (timeout and row cap apply)',
      description:
        'Refused statements answer 422 SQL_REJECTED with the guard code (WRITE_STATEMENT, MULTIPLE_STATEMENTS...).',
      tag: 'database',
      auth: 'api',
      body: executeBody,
      responses: {
        200: { description: 'The result', schema: executeResponse },
        400: error('Invalid body or unknown connection'),
        401: error('No valid API key'),
        422: error('Refused by the guard (SQL_REJECTED, with guardCode) or failed in the database (SQL_ERROR)'),
        504: error('Statement timeout (SQL_TIMEOUT)'),
      },
      async handle({ body, actor }) {
        checkConnection(context, body.connection);
        const result = await context.runSql({ sql: body.sql, db: body.connection, actor });
        return {
          status: 200,
          body: {
            connection: result.connection,
            columns: result.columns,
            rows: result.rows,
            rowCount: result.rowCount,
            truncated: result.truncated,
            elapsedMs: result.elapsedMs,
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${API_PREFIX}/database/schema`,
      operationId: 'getSchema',
      summary: 'Tables, views, columns, keys, comments and row estimates of a connection (or one table)',
      tag: 'database',
      auth: 'api',
      query: schemaQuery,
      responses: {
        200: { description: 'The schema', schema: schemaResponse },
        400: error('Unknown connection'),
        401: error('No valid API key'),
        404: error('Unknown table'),
      },
      async handle({ query, actor }) {
        checkConnection(context, query.connection);
        const view = await context.schema({ db: query.connection, table: query.table, actor });
        return { status: 200, body: view };
      },
    }),
  ];
}
