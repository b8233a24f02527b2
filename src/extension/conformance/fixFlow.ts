import * as vscode from 'vscode';
import { unmetClauses } from '../../core/contract/conformance/clauses';
import type { ConformanceReport } from '../../core/contract/conformance/types';
import { formatCost } from '../../core/generation/models';
import { abortingOnCancel } from '../../core/oneAtATime';
import type { FixAttempt } from '../../core/testing/loop';
import { safeInline, safeText } from '../../core/terminalText';
import { GENERATING, runOrWarnBusy, warnedBusy } from '../busyWarning';
import { setApiKeyThenRetry } from '../commands/setApiKey';
import { readSettings, refuseOnBadSettings, type TurboSettings } from '../config';
import type { GenerationRecord } from '../generationHistory';
import { count } from '../progressText';
import type { Services } from '../services';
import { readAsEditor, recordingApply } from '../testing/applyChanges';
import { FIX_ACTIONS, fixAction, refused, reportFixError } from '../testing/fixMessages';
import type { CheckResult, ConformanceService } from './service';
import { contractToCheck, folderToCheck } from './target';

export interface ConformanceFixResult {
  attempt: FixAttempt;
  before: ConformanceReport;
  /** The check after the edits; undefined when nothing was applied. */
  after: ConformanceReport | undefined;
  /** What the fix changed, for Review Changes and Undo. */
  record: GenerationRecord;
}

/**
 * "Regenerate to meet this clause": one follow-up request for every unmet clause of the contract,
 * its SEARCH/REPLACE edits applied as one WorkspaceEdit (recorded for Review Changes and Undo), then
 * the contract checked again. It takes the generation slot: it writes into the same folder.
 */
export async function regenerateToMeet(
  services: Services,
  conformance: ConformanceService,
  target?: unknown,
): Promise<ConformanceFixResult | undefined> {
  if (warnedBusy(services.generation, GENERATING)) return undefined;
  const document = await contractToCheck(services, target);
  const folder = document && (await folderToCheck(services, conformance, document));
  if (!document || !folder) return undefined;
  const key = await services.keys.get();
  if (!key) {
    const set = 'Set API Key';
    void vscode.window
      .showErrorMessage('Turbo needs a Cerebras API key to regenerate code.', set)
      .then((b) =>
        b === set
          ? setApiKeyThenRetry(services, () => vscode.commands.executeCommand('turbo.fixConformance', document.uri))
          : undefined,
      );
    return undefined;
  }
  const settings = readSettings(document.uri);
  if (refuseOnBadSettings(settings)) return undefined;
  return runOrWarnBusy(
    services.generation,
    async (abort) => {
      // Checked again first: the code or the contract may have changed since the diagnostic was shown.
      const checked = await conformance.check(document.uri, folder);
      if (!checked) return undefined;
      if (unmetClauses(checked.report).length === 0) {
        const { met, total } = checked.report;
        void vscode.window.showInformationMessage(
          met === total
            ? `Turbo: all ${total} clauses are met; nothing to regenerate.`
            : `Turbo: nothing to regenerate: ${met}/${total} clauses met, and Turbo could not check the other ${total - met}.`,
        );
        return undefined;
      }
      return vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Turbo', cancellable: true },
        (progress, token) =>
          abortingOnCancel(token, abort, () =>
            fixWith(services, conformance, { checked, settings, key: key.key, abort }, (message) =>
              progress.report({ message }),
            ),
          ),
      );
    },
    GENERATING,
  );
}

interface FixInput {
  checked: CheckResult;
  settings: TurboSettings;
  key: string;
  abort: AbortController;
}

async function fixWith(
  services: Services,
  conformance: ConformanceService,
  { checked, settings, key, abort }: FixInput,
  say: (message: string) => void,
): Promise<ConformanceFixResult | undefined> {
  const { report, folder, document } = checked;
  const unmet = unmetClauses(report);
  say(`Asking ${settings.model} to meet ${count(unmet.length, 'unmet clause')}…`);
  const record = services.history.begin('fix');
  let attempt: FixAttempt;
  try {
    const { fixConformance } = await import('../../core/contract/conformance/fix');
    const { protectionFor } = await import('../../core/testing/protectedTests');
    const contract = document.getText();
    attempt = await fixConformance(
      {
        client: await services.clientFor(key, settings),
        root: folder.fsPath,
        contract,
        signal: abort.signal,
        model: settings.model,
        temperature: settings.temperature,
        reasoningEffort: settings.reasoningEffort,
        deny: settings.denyPatterns,
        protection: await protectionFor(folder.fsPath, settings.protectedPaths),
        readFile: readAsEditor,
        applyChanges: recordingApply(record, settings.previewBeforeWrite, (m) => services.log.info(m)),
      },
      { contract, report },
    );
  } catch (err) {
    // VS Code's progress notification already went away on Cancel: the log keeps the trace.
    if (abort.signal.aborted) services.log.info(cancelledText(record));
    else reportFixError(services.log, err, key);
    return undefined;
  } finally {
    services.history.commit(record);
  }
  services.addCost(attempt.costUsd);
  const changed = attempt.changes.map((c) => safeInline(c.file)).join(', ');
  services.log.info(
    `Conformance fix: changed ${changed || 'nothing'} · ${formatCost(attempt.costUsd)}${attempt.problems.map((p) => `\n  not applied: ${p}`).join('')}`,
  );
  if (attempt.changes.length === 0) {
    refused(services.log, attempt);
    return { attempt, before: report, after: undefined, record };
  }
  say(safeText(`Changed ${changed}; checking the contract again…`));
  const after = (await conformance.check(document.uri, folder))?.report;
  announce(report, after, changed, attempt, record);
  return { attempt, before: report, after, record };
}

function cancelledText(record: GenerationRecord): string {
  const written = record.created.length + record.overwritten.length;
  return written
    ? `Regenerate to meet the contract cancelled after changing ${count(written, 'file')}; Review Changes shows them.`
    : 'Regenerate to meet the contract cancelled; nothing was changed.';
}

/**
 * `Turbo: all 10 clauses met. app/models.py changed · $0.0012`, or `Turbo: app/main.py changed · 7 → 9/10
 * clauses met · $0.0012. Still unmet: GET /tasks/{id}.`, with Show Diff and Undo.
 */
function announce(
  before: ConformanceReport,
  after: ConformanceReport | undefined,
  changed: string,
  attempt: FixAttempt,
  record: GenerationRecord,
): void {
  const cost = formatCost(attempt.costUsd);
  if (after && after.met === after.total) {
    void vscode.window
      .showInformationMessage(
        safeText(`Turbo: all ${after.total} clauses met. ${changed} changed · ${cost}`),
        ...FIX_ACTIONS,
      )
      .then((b) => fixAction(b, record));
    return;
  }
  const counts = after ? `${before.met} → ${after.met}/${after.total} clauses met` : 'not checked again';
  const left = after ? unmetClauses(after).map((c) => c.name) : [];
  const still = left.length ? ` Still unmet: ${left.slice(0, 3).join(', ')}${left.length > 3 ? ' …' : ''}.` : '';
  void vscode.window
    .showWarningMessage(safeText(`Turbo: ${changed} changed · ${counts} · ${cost}.${still}`), ...FIX_ACTIONS)
    .then((b) => fixAction(b, record));
}
