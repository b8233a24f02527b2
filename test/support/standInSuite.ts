import { CerebrasClient, type ClientOptions } from '../../src/core/generation/client';
import { CerebrasStandIn } from '../standin/server';

export interface StandInSuite {
  standin: CerebrasStandIn;
  /** A client for the stand-in (set once the suite's `before` hook has run). */
  client: CerebrasClient;
  /** The environment the CLI and MCP server read to reach the stand-in. */
  env: Record<string, string>;
}

/**
 * For a mocha `describe`: starts one stand-in before the suite and closes it after, with a client
 * and a CLI environment pointed at it. Call at the top of the `describe` body.
 */
export function standInSuite(clientOptions: Partial<ClientOptions> = {}): StandInSuite {
  const suite = { standin: new CerebrasStandIn() } as StandInSuite;
  before(async () => {
    await suite.standin.start();
    suite.client = new CerebrasClient({
      apiKey: suite.standin.apiKey,
      baseUrl: suite.standin.url,
      warmConnection: false,
      ...clientOptions,
    });
    suite.env = { CEREBRAS_API_KEY: suite.standin.apiKey, CEREBRAS_BASE_URL: suite.standin.url };
  });
  after(() => suite.standin.close());
  return suite;
}
