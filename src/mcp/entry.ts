import { serveMcp } from './main';

// dist/mcp.js: `node dist/mcp.js` is the MCP server, nothing else.
serveMcp().catch((err) => {
  process.stderr.write(`turbo mcp: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
