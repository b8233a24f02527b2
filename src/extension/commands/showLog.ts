import type { Services } from '../services';

/** "Turbo: Show Log". */
export function showLog(services: Services): void {
  services.log.show(true);
}
