import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer } from './server';

/** Serves Turbo's MCP tools over stdio until the client closes the pipe. Only the protocol uses stdout. */
export async function serveMcp(): Promise<void> {
  const server = createMcpServer({ env: process.env, cwd: process.cwd() });
  await server.connect(new StdioServerTransport());
  process.stderr.write('turbo MCP server ready on stdio\n');
}

