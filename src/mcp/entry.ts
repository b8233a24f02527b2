import { cleanUpOnSignals } from '../core/tempFiles';
import { serveMcp } from './main';

// A client that stops the server mid-write leaves no temporary file behind.
cleanUpOnSignals(['SIGINT', 'SIGTERM', 'SIGHUP']);

// dist/mcp.js: `node dist/mcp.js` is the MCP server, nothing else.
serveMcp().catch((err) => {
  process.stderr.write(`turbo mcp: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
