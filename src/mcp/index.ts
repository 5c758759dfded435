/**
 * MCP: Sleuth as an MCP server (server/) and Sleuth as an MCP client of external database servers from mcp.json
 * (client/). The composition root imports client/ directly (it is light); this index loads the SDK's server side.
 */
export * from './client/index.js';
export * from './server/index.js';
