/**
 * The reviewed deny lists, per dialect, in one place. Change this file only with a security review.
 *
 * Functions are denied by name wherever a call can appear (select list, FROM clause, WHERE, ORDER BY, defaults...):
 * the guard matches every identifier, quoted or not, that is followed by `(`, and for PostgreSQL also every function
 * node in the parse tree. Names are lower case; `*` matches any characters (also in the middle). Since the
 * allow-list (functions.ts) refuses every function not listed, this list is a second layer naming known dangers.
 *
 * Why each group is here (see ../shared/SECURITY-NOTES.md):
 * - file access and large objects: read server files, write files (exfiltration, tampering)
 * - network egress: dblink and friends open connections the data can leave through
 * - sleeping and locks: denial of service, holding locks
 * - configuration: set_config can switch off read-only or timeouts for a pooled session
 * - sequences, notifications, replication, backend control: side effects despite "SELECT"
 * - functions that run a query string: they hide a statement from the guard
 */
import type { SqlDialect } from '../dialect.js';

const POSTGRES_DENIED_FUNCTIONS = [
  // file and server access
  'pg_read_file',
  'pg_read_binary_file',
  'pg_stat_file',
  'pg_ls_*',
  'pg_file_*',
  'pg_logdir_ls',
  'pg_current_logfile',
  // large objects
  'lo_*',
  'loread',
  'lowrite',
  // network egress
  'dblink*',
  'postgres_fdw_*',
  // sleeping
  'pg_sleep',
  'pg_sleep_for',
  'pg_sleep_until',
  // backend and server control
  'pg_cancel_backend',
  'pg_terminate_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_promote',
  'pg_log_backend_memory_contexts',
  'pg_stat_reset*',
  'pg_stat_statements_reset',
  'pg_import_system_collations',
  // backups, WAL and replication
  'pg_create_restore_point',
  'pg_switch_wal',
  'pg_start_backup',
  'pg_stop_backup',
  'pg_backup_start',
  'pg_backup_stop',
  'pg_logical_emit_message',
  'pg_replication_*',
  'pg_create_physical_replication_slot',
  'pg_create_logical_replication_slot',
  'pg_drop_replication_slot',
  'pg_copy_*_replication_slot',
  'pg_logical_slot_*',
  'pg_wal_replay_*',
  // configuration
  'set_config',
  // sequences and transaction ids
  'nextval',
  'setval',
  'txid_current',
  'pg_current_xact_id',
  // advisory locks
  'pg_advisory_*',
  'pg_try_advisory_*',
  // notifications
  'pg_notify',
  // functions that run a query string
  'query_to_xml',
  'query_to_xmlschema',
  'query_to_xml_and_xmlschema',
  'cursor_to_xml',
  'cursor_to_xmlschema',
  'table_to_xml*',
  'schema_to_xml*',
  'database_to_xml*',
  'ts_stat',
  // extensions that read raw pages or files
  'get_raw_page',
  'pg_read_server_files',
];

const MARIADB_DENIED_FUNCTIONS = [
  // sleeping and burning CPU
  'sleep',
  'benchmark',
  // file access
  'load_file',
  // locks
  'get_lock',
  'release_lock',
  'release_all_locks',
  'is_free_lock',
  'is_used_lock',
  // replication waits
  'master_pos_wait',
  'master_gtid_wait',
  'source_pos_wait',
  'wait_for_executed_gtid_set',
  'wait_until_sql_thread_after_gtids',
  // sequences and session state
  'nextval',
  'setval',
  'last_insert_id',
  // user-defined functions commonly installed for command execution
  'sys_exec',
  'sys_eval',
  'lib_mysqludf_*',
];

const SQLITE_DENIED_FUNCTIONS = [
  'load_extension',
  'readfile',
  'writefile',
  'edit',
  'fts3_tokenizer',
  'zipfile',
  'sqlar_compress',
  'sqlar_uncompress',
];

const DENIED_FUNCTIONS: Record<SqlDialect, readonly string[]> = {
  postgres: POSTGRES_DENIED_FUNCTIONS,
  mariadb: MARIADB_DENIED_FUNCTIONS,
  sqlite: SQLITE_DENIED_FUNCTIONS,
};

/** Relations that hold credentials or server configuration; reading them is refused even if the role could. */
const DENIED_RELATIONS: Record<SqlDialect, readonly string[]> = {
  postgres: ['pg_authid', 'pg_shadow', 'pg_user_mapping', 'pg_user_mappings', 'pg_hba_file_rules', 'pg_file_settings'],
  mariadb: ['user', 'global_priv', 'password_reuse_check_history'],
  sqlite: [],
};

export interface FunctionMatcher {
  isDenied(name: string): boolean;
}

const matchers = new Map<string, FunctionMatcher>();
const defaultMatchers = new Map<SqlDialect, FunctionMatcher>();

/** The matcher for a dialect and extra names, built once per combination (the guard asks on every statement). */
export function deniedFunctionMatcher(dialect: SqlDialect, extra: readonly string[] = []): FunctionMatcher {
  if (extra.length === 0) {
    let matcher = defaultMatchers.get(dialect);
    if (!matcher) {
      matcher = buildMatcher(dialect, extra);
      defaultMatchers.set(dialect, matcher);
    }
    return matcher;
  }
  const key = `${dialect}\u0000${extra.join('\u0000')}`;
  let matcher = matchers.get(key);
  if (!matcher) {
    matcher = buildMatcher(dialect, extra);
    if (matchers.size < 64) matchers.set(key, matcher);
  }
  return matcher;
}

function buildMatcher(dialect: SqlDialect, extra: readonly string[]): FunctionMatcher {
  const exact = new Set<string>();
  const patterns: string[] = [];
  for (const entry of [...DENIED_FUNCTIONS[dialect], ...extra]) {
    const lower = entry.toLowerCase();
    // `*` matches any characters wherever it is (`pg_copy_*_replication_slot`, `pg_ls_*`)
    if (lower.includes('*')) {
      patterns.push(
        lower
          .split('*')
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*'),
      );
    } else exact.add(lower);
  }
  // every pattern in one anchored alternation: one regex test per name, and only for names starting with a
  // character some pattern can start with (every name, when a pattern starts with `*`)
  const pattern = patterns.length > 0 ? new RegExp(`^(?:${patterns.join('|')})$`) : undefined;
  const anyStart = patterns.some((p) => p.startsWith('.*') || p.startsWith('\\'));
  const starts = new Set(patterns.map((p) => p[0]));
  return {
    isDenied(name: string): boolean {
      const lower = name.toLowerCase();
      if (exact.has(lower)) return true;
      if (pattern === undefined || (!anyStart && !starts.has(lower[0]))) return false;
      return pattern.test(lower);
    },
  };
}

/**
 * MariaDB's system schemas hold accounts, settings, other sessions' SQL and server state: refused whole. In
 * information_schema only the views that describe the schema are allowed (not PROCESSLIST, GLOBAL_VARIABLES...).
 */
const MARIADB_SYSTEM_SCHEMAS = new Set(['mysql', 'performance_schema', 'sys']);
const MARIADB_INFORMATION_SCHEMA_ALLOWED = new Set([
  'tables',
  'columns',
  'views',
  'schemata',
  'key_column_usage',
  'table_constraints',
  'referential_constraints',
  'check_constraints',
  'statistics',
  'partitions',
  'collations',
  'character_sets',
  'collation_character_set_applicability',
]);

export function isDeniedRelation(dialect: SqlDialect, name: string, schema?: string): boolean {
  const lower = name.toLowerCase();
  if (dialect === 'mariadb') {
    const db = schema?.toLowerCase();
    if (db !== undefined && MARIADB_SYSTEM_SCHEMAS.has(db)) return true;
    return db === 'information_schema' && !MARIADB_INFORMATION_SCHEMA_ALLOWED.has(lower);
  }
  return DENIED_RELATIONS[dialect].includes(lower);
}

/** First keywords of statements, mapped to the rejection they get. Anything not listed and not allowed is FORBIDDEN_STATEMENT. */
export const STATEMENT_KEYWORD_CODES = {
  WRITE_STATEMENT: [
    'insert',
    'update',
    'delete',
    'merge',
    'replace',
    'upsert',
    'truncate',
    'create',
    'alter',
    'drop',
    'grant',
    'revoke',
    'rename',
    'comment',
    'reindex',
    'vacuum',
    'cluster',
    'refresh',
    'import',
    'load',
    'handler',
    'optimize',
    'repair',
    'security',
    'reassign',
    'purge',
    'install',
    'uninstall',
    'backup',
    'restore',
  ],
  TRANSACTION_CONTROL: ['begin', 'start', 'commit', 'rollback', 'savepoint', 'release', 'end', 'abort', 'xa'],
  SESSION_CONTROL: [
    'set',
    'reset',
    'use',
    'discard',
    'listen',
    'unlisten',
    'notify',
    'prepare',
    'execute',
    'deallocate',
    'flush',
    'kill',
    'shutdown',
    'checkpoint',
    'pragma',
    'attach',
    'detach',
    'lock',
    'unlock',
    'analyze',
    'analyse',
    'binlog',
    'cache',
    'change',
    'reload',
  ],
} as const;

/**
 * Unquoted keywords that may not appear anywhere in an allowed statement except as a function name (followed by `(`)
 * or a qualified name part (after `.`): their presence means a write or DDL is hidden in the query.
 */
export const WRITE_KEYWORDS_ANYWHERE = new Set([
  'insert',
  'update',
  'delete',
  'merge',
  'truncate',
  'drop',
  'alter',
  'create',
  'grant',
  'revoke',
  'upsert',
]);

/** PostgreSQL SHOW parameters that are harmless to read. */
export const POSTGRES_SHOW_ALLOWED = new Set([
  'server_version',
  'server_version_num',
  'server_encoding',
  'client_encoding',
  'timezone',
  'datestyle',
  'intervalstyle',
  'search_path',
  'lc_collate',
  'lc_ctype',
  'lc_monetary',
  'lc_numeric',
  'lc_time',
  'standard_conforming_strings',
  'transaction_read_only',
  'statement_timeout',
  'default_transaction_read_only',
]);

/** SQLite pragmas that only read schema information, allowed as `PRAGMA name(arg)` or `PRAGMA name`. */
export const SQLITE_PRAGMA_ALLOWED = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_list',
  'index_info',
  'index_xinfo',
  'foreign_key_list',
  'collation_list',
  'database_list',
  'function_list',
]);
