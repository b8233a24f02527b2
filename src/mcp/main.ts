import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { LineLimit, MAX_MESSAGE_BYTES, type DroppedMessage } from './lineLimit';
import { createMcpServer } from './server';

/** Serves Turbo's MCP tools over stdio until the client closes the pipe. Only the protocol uses stdout. */
export async function serveMcp(): Promise<void> {
  const server = createMcpServer({ env: process.env, cwd: process.cwd() });
  const input = new LineLimit(MAX_MESSAGE_BYTES, (dropped) => void refuse(dropped));
  // The filter already caps each message; the transport's own cap is kept above it as a backstop.
  const transport = new StdioServerTransport(process.stdin.pipe(input), process.stdout, {
    maxBufferSize: 4 * MAX_MESSAGE_BYTES,
  });
  const refuse = async ({ bytes, id }: DroppedMessage) => {
    const message = `Message of ${bytes.toLocaleString('en-US')} bytes is over the server's limit of 10 MiB per message; it was dropped. Prompts are limited to 2 MB.`;
    process.stderr.write(`turbo mcp: ${message}\n`);
    if (id !== undefined)
      await transport.send({ jsonrpc: '2.0', id, error: { code: ErrorCode.InvalidRequest, message } });
  };
  await server.connect(transport);
  process.stderr.write('turbo MCP server ready on stdio\n');
}
