import * as vscode from 'vscode';
import type { Services } from '../services';
import type { TestingService } from '../testing/service';
import type { ConformanceService } from '../conformance/service';
import { regenerateToMeet } from '../conformance/fixFlow';
import { checkContract } from './checkContract';
import { fixFailure, folderArgument } from './tests';
import { requireTrust } from '../trust';
import { ChangeReview } from '../review';
import type { GenerationRecord } from '../generationHistory';
import { countGeneration } from '../walkthrough';
import { cancelGeneration } from './cancelGeneration';
import { clearApiKey } from './clearApiKey';
import type { CommandId } from './ids';
import { newContract, type NewContractOptions } from './newContract';
import { selectModel } from './selectModel';
import { setApiKey } from './setApiKey';
import { showLog } from './showLog';
import { undoLastGeneration } from './undoLastGeneration';
import { CandidateDocuments } from '../race/candidateFiles';

/** The registry only registers: each command lives in its own file. */
export function registerCommands(services: Services, tests: TestingService, conformance: ConformanceService): void {
  const review = new ChangeReview(services);
  const candidates = new CandidateDocuments();
  services.context.subscriptions.push(review, candidates);
  // Internal callers (notification buttons) pass the record to review; the palette passes nothing.
  const record = (arg: unknown) =>
    arg && typeof arg === 'object' && 'written' in arg ? (arg as GenerationRecord) : undefined;
  const commands: Record<CommandId, (...args: unknown[]) => unknown> = {
    // Loaded on first use: the generation path pulls in the Cerebras SDK, which activation does not need.
    'turbo.generate': async (target) =>
      requireTrust(services, 'generate')
        ? countGeneration(services, await (await import('./generate')).generateFromContract(services, target))
        : undefined,
    // The race and its comparison view are loaded on first use too.
    'turbo.raceCandidates': async (target) =>
      requireTrust(services, 'race candidates')
        ? (await import('../race/raceCommand')).raceFromContract(services, tests, candidates, target)
        : undefined,
    // Reading the code is safe in Restricted Mode; the fix writes files, so it waits for trust.
    'turbo.checkContract': (target) => checkContract(services, conformance, target),
    'turbo.fixConformance': (target) =>
      requireTrust(services, 'fix') ? regenerateToMeet(services, conformance, target) : undefined,
    'turbo.cancelGeneration': () => cancelGeneration(services),
    'turbo.newContract': (folder, options) => newContract(services, folder, (options ?? {}) as NewContractOptions),
    'turbo.selectModel': (model) => selectModel(services, model),
    'turbo.setApiKey': (key) => setApiKey(services, key),
    'turbo.clearApiKey': () => clearApiKey(services),
    'turbo.undoLastGeneration': () => undoLastGeneration(services),
    'turbo.showLog': () => showLog(services),
    'turbo.reviewChanges': (arg) => review.open(record(arg)),
    'turbo.acceptChanges': () => review.accept(),
    'turbo.revertChanges': (arg) => review.revert(record(arg)),
    'turbo.revertFiles': () => review.revertSome(),
    'turbo.runTests': (target) => (requireTrust(services, 'run tests') ? tests.runTests(target) : undefined),
    'turbo.rerunTests': () => (requireTrust(services, 'run tests') ? tests.runTests(tests.lastFolder) : undefined),
    'turbo.fixFailure': (uri, range, message) =>
      requireTrust(services, 'fix') ? fixFailure(tests, uri, range, message) : undefined,
    'turbo.fixAllFailures': (folder) => (requireTrust(services, 'fix') ? tests.fix(folderArgument(folder)) : undefined),
    'turbo.fixUntilGreen': (target) =>
      requireTrust(services, 'fix until green') ? tests.fixUntilGreen(target) : undefined,
    'turbo.showTestOutput': () => tests.showOutput(),
  };
  for (const [id, handler] of Object.entries(commands)) {
    services.context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }
}
