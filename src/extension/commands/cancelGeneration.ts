import type { Services } from '../services';

/** "Turbo: Cancel Generation": the same as the notification's Cancel button, for keybindings and scripts. */
export function cancelGeneration(services: Services): boolean {
  return services.generation.stop();
}
