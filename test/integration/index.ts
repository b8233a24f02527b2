/**
 * Entry point VS Code loads as `extensionTestsPath`, in code-server and in desktop VS Code alike.
 * Mocha is loaded from node_modules at run time; the suites are bundled in. Import order matters:
 * mochaSetup defines the globals the suites use, and suites run in the order imported.
 */
import { mocha } from './mochaSetup';
import './suite/activation.test';
import './suite/generate.test';
import './suite/errors.test';
import './suite/overwrite.test';
import './suite/engine.test';
import './suite/lmTool.test';
import './suite/contract.test';
import './suite/testLoop.test';
import './suite/security.test';
import './suite/editorLoop.test';
import './suite/messages.test';
import './suite/contractTrust.test';
import './suite/testingView.test';
import './suite/conformance.test';
import './suite/race.test';

export async function run(): Promise<void> {
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
