export {
  createDataSource,
  createDataSourceRegistry,
  type DataSourceDeps,
  type DataSourceRegistry,
} from './registry.js';
export type { ConnectionConfig, DataSource } from './types.js';
export { type ParsedConnectionUrl, parseConnectionUrl } from './url.js';
