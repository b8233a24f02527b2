import Mocha from 'mocha';

/** Created at import time so that `describe` and `it` exist before the suite modules that follow load. */
export const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
mocha.suite.emit('pre-require', globalThis, 'integration', mocha);
