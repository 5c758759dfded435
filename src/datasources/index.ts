export {
  capRows,
  createMcpSource,
  inlineNumericParams,
  type McpToolCaller,
  type McpToolInfo,
  type McpToolResult,
} from './mcp.js';
export {
  createDataSource,
  createDataSourceRegistry,
  type DataSourceDeps,
  type DataSourceRegistry,
} from './registry.js';
export type { ConnectionConfig, DataSource } from './types.js';
export { type McpConnectionTarget, type ParsedConnectionUrl, parseConnectionUrl } from './url.js';
