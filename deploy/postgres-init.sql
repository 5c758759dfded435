-- Runs once, when the PostgreSQL volume is first created (docker-entrypoint-initdb.d).
-- `sleuth` (POSTGRES_DB) holds Sleuth's memory and its pg-boss job queue; `demo` holds the demo company data that the
-- demo-data service loads, read by Sleuth through a read-only role (the recommended setup in docs/security.md).
CREATE DATABASE demo;
CREATE ROLE sleuth_ro LOGIN PASSWORD 'sleuth_ro';
GRANT CONNECT ON DATABASE demo TO sleuth_ro;
ALTER ROLE sleuth_ro SET default_transaction_read_only = on;
ALTER ROLE sleuth_ro SET statement_timeout = '30s';
\connect demo
GRANT USAGE ON SCHEMA public TO sleuth_ro;
ALTER DEFAULT PRIVILEGES FOR ROLE sleuth IN SCHEMA public GRANT SELECT ON TABLES TO sleuth_ro;
