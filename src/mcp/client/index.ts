/**
 * The MCP client side: mcp.json and the pool of external MCP servers behind mcp:// connections. Light to import
 * (the SDK loads when the first server starts), so the composition root and the config loader use it directly.
 */
export {
  emptyMcpServers,
  type McpServerConfig,
  type McpServersConfig,
  mcpServerProblem,
  type ReadMcpServersOptions,
  readMcpServersFile,
} from './config.js';
export { createMcpClientPool, type McpClientPool, type McpClientPoolOptions, type McpServerStatus } from './pool.js';
