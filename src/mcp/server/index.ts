/**
 * Sleuth as an MCP server: the tools (investigate, run_sql, get_schema, search_knowledge, ask_faq) and the schema
 * resources, over Streamable HTTP (for the host server's /mcp) or stdio (`sleuth mcp`). Loads the SDK's server side,
 * so import it only where an MCP server runs.
 */
export { ERROR_META_KEY } from './errors.js';
export { createMcpHttpHandler, type McpHttpHandler, type McpHttpHandlerOptions } from './http.js';
export { progressMessage } from './investigate.js';
export { createSleuthMcpServer, type LazySleuthContext, SLEUTH_TOOLS, type SleuthMcpServerDeps } from './server.js';
export { type McpStdioOptions, type McpStdioSession, mcpStdioActor, serveMcpStdio } from './stdio.js';
