/**
 * Every command Turbo registers, in one list without `vscode`: the registry must handle each (the
 * compiler checks it), and a unit test checks `package.json` `contributes.commands` against it.
 */
export const COMMAND_IDS = [
  'turbo.generate',
  'turbo.raceCandidates',
  'turbo.checkContract',
  'turbo.fixConformance',
  'turbo.cancelGeneration',
  'turbo.newContract',
  'turbo.selectModel',
  'turbo.setApiKey',
  'turbo.clearApiKey',
  'turbo.undoLastGeneration',
  'turbo.showLog',
  'turbo.reviewChanges',
  'turbo.acceptChanges',
  'turbo.revertChanges',
  'turbo.revertFiles',
  'turbo.runTests',
  'turbo.rerunTests',
  'turbo.fixFailure',
  'turbo.fixAllFailures',
  'turbo.fixUntilGreen',
  'turbo.showTestOutput',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
