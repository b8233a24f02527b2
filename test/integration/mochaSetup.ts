import Mocha from 'mocha';

/**
 * Created at import time so that `describe` and `it` exist before the suite modules that follow load.
 * TURBO_IT_GREP (a pattern over suite and test titles) runs a part of the suites while working on it;
 * CI never sets it.
 */
const grep = process.env.TURBO_IT_GREP;
export const mocha = new Mocha({
  ui: 'bdd',
  color: false,
  timeout: 60_000,
  reporter: 'spec',
  ...(grep ? { grep } : {}),
});
mocha.suite.emit('pre-require', globalThis, 'integration', mocha);
