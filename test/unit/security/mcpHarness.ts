import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer } from '../../../src/mcp/server';
import type { CerebrasStandIn } from '../../standin/server';

export type CallResult = { content: { type: string; text: string }[]; isError?: boolean };

export interface Harness {
  client: Client;
  call(name: string, args?: Record<string, unknown>, signal?: AbortSignal): Promise<CallResult>;
  close(): Promise<void>;
}

/**
 * The real server and the MCP SDK's own client, linked in memory. `roots` makes the client declare
 * the roots capability and answer roots/list with those folders.
 */
export async function connectInProcess(
  standin: CerebrasStandIn,
  cwd: string,
  options: { env?: Record<string, string>; roots?: string[]; rootsUnanswered?: boolean } = {},
): Promise<Harness> {
  const env = { CEREBRAS_API_KEY: standin.apiKey, CEREBRAS_URL: `${standin.url}/v1`, ...options.env };
  const server = createMcpServer({ env, cwd });
  const declares = options.roots !== undefined || options.rootsUnanswered;
  const client = new Client(
    { name: 'turbo-security-test', version: '0.0.0' },
    declares ? { capabilities: { roots: { listChanged: true } } } : {},
  );
  if (options.roots) {
    const roots = options.roots;
    client.setRequestHandler(ListRootsRequestSchema, () => ({
      roots: roots.map((r) => ({ uri: pathToFileURL(r).href, name: r })),
    }));
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  return {
    client,
    call: async (name, args = {}, signal) =>
      (await client.callTool({ name, arguments: args }, undefined, signal ? { signal } : undefined)) as CallResult,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}
