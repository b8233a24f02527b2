import type { Services } from '../services';

/** "Turbo: Cancel Generation": the same as the notification's Cancel button, for keybindings and scripts. */
export function cancelGeneration(services: Services): boolean {
  if (!services.running) return false;
  services.running.abort();
  return true;
}
