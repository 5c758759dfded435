import { createRequire } from 'node:module';

/** Sleuth's name and version as MCP peers see them (src/mcp and dist/mcp are both two levels below the root). */
export function sleuthImplementation(): { name: string; version: string } {
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
  return { name: 'sleuth', version: pkg.version };
}
