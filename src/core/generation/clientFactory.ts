import { CerebrasClient } from './client';
import type { ClientOptions, ModelClient } from './modelClient';

export type { ClientOptions, ModelClient } from './modelClient';

/**
 * The one place a client is built, for every front end. Cerebras is the only provider today; another one
 * would be chosen here, behind the same `ModelClient`. Importing this module loads the SDK: the
 * editor imports it on first use, so activation does not pay for it.
 */
export function createClient(options: ClientOptions): ModelClient {
  return new CerebrasClient(options);
}
