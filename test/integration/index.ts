/**
 * Entry point VS Code loads as `extensionTestsPath`, in code-server and in desktop VS Code alike.
 * Mocha is loaded from node_modules at run time; the suites are bundled in.
 */
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'integration', mocha);
  // Suites register on require, after the globals exist; order is the order they run in.
  require('./suite/activation.test');
  require('./suite/generate.test');
  require('./suite/errors.test');
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
