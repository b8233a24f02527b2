/** Set by esbuild from package.json; absent when the sources run unbundled (the unit tests). */
declare const TURBO_VERSION: string;

/** Turbo's version, or `dev` when running from the sources. */
export function turboVersion(): string {
  return typeof TURBO_VERSION === 'string' ? TURBO_VERSION : 'dev';
}
