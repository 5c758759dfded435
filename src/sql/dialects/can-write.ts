/**
 * The statements that tell whether a connection's account could write, apart from the drivers (pg, mysql2): the MCP
 * data source runs them too, and must not load either driver to do so.
 */

/** True when the account is a superuser, can create in the database, or can change any table. */
export const POSTGRES_CAN_WRITE_SQL = `SELECT (
  (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
  OR has_database_privilege(current_database(), 'CREATE')
  OR EXISTS (
    SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE')
           OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'))
  )
) AS can_write`;

/** Counts the account's global or schema-level write privileges. */
export const MARIADB_CAN_WRITE_SQL = `SELECT
  (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES
     WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')
       AND PRIVILEGE_TYPE IN ('INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER', 'SUPER', 'FILE'))
  + (SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES
     WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')
       AND TABLE_SCHEMA = DATABASE()
       AND PRIVILEGE_TYPE IN ('INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER'))
  AS write_privileges`;
