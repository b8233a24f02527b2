import * as path from 'node:path';
import * as vscode from 'vscode';
import { abortingOnCancel } from '../../core/oneAtATime';
import type { TestReport } from '../../core/testing/loop';
import type { TestFailure } from '../../core/testing/parsers';
import { countsText } from '../../core/testing/report';
import { safeStream, safeText } from '../../core/terminalText';
import { readSettings, refuseOnBadSettings } from '../config';
import type { Services } from '../services';
import { requireTrust } from '../trust';
import { positionOf } from './diagnostics';
import type { TestingService } from './service';

/** What the Testing view shows for one item after a run (the integration suites read it). */
export interface ShownTestItem {
  item: vscode.TestItem;
  state: 'passed' | 'failed' | 'errored';
  messages: vscode.TestMessage[];
  /** Files changed since: the view shows the result as outdated. */
  outdated: boolean;
}

/** A run shown in the view; one Turbo started itself listens for the view's Cancel while it lasts. */
interface Live {
  run: vscode.TestRun;
  owned: boolean;
  cancel?: vscode.Disposable;
}

/**
 * Every Turbo test run in VS Code's Testing view: one item per tested folder, under it one per
 * failing test, each failure a TestMessage at its location (a diff when the runner printed the
 * expected and actual values). Runners name only the tests that fail, so passing tests are a count
 * on the folder. The folder's items are replaced by each run; a cancelled run leaves them, as it
 * leaves the diagnostics. When files change after a run, its results are marked outdated (greyed,
 * not red) until the next run: the failures may be fixed, and the view should not claim otherwise.
 * Results are not persisted: after a reload Turbo has no report (nor diagnostics) to stand behind.
 */
export class TestingView implements vscode.Disposable {
  private readonly controller = vscode.tests.createTestController('turbo', 'Turbo');
  /** The run under way per folder; `owned` when this class started it (and so ends it). */
  private readonly live = new Map<string, Live>();
  private readonly shown = new Map<string, ShownTestItem[]>();
  private readonly published = new WeakSet<TestReport>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly tests: TestingService,
    private readonly services: Services,
  ) {
    this.controller.createRunProfile(
      'Run with Turbo',
      vscode.TestRunProfileKind.Run,
      (request, token) => this.runFromView(request, token),
      true,
    );
    this.subscriptions = [
      this.controller,
      tests.onDidStart((folder) => this.guard(() => this.started(folder))),
      tests.onDidRun((report) => this.guard(() => this.publish(report))),
      tests.onDidGoStale((folder) => this.guard(() => this.outdated(folder))),
    ];
  }

  /** The view is a second display of the run: its failure is logged, never the run's. */
  private guard(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.services.log.error(
        `The Testing view could not show the run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    }
  }

  /** @internal What the view shows for a folder since its last run (folder item first). */
  shownFor(folder: string): ShownTestItem[] | undefined {
    return this.shown.get(folder);
  }

  /** The Testing view's Run button: Turbo's test command for each folder asked for, one after another. */
  private async runFromView(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    if (!requireTrust(this.services, 'run tests from the Testing view')) return;
    const folders = await this.foldersOf(request);
    if (folders.length === 0) return;
    // Turbo runs whole folders: a request for one test still reports its folder's other tests, and
    // a run may only touch the items its request includes.
    const run = this.controller.createTestRun(
      new vscode.TestRunRequest(
        folders.map((f) => this.folderItem(f)),
        undefined,
        request.profile,
        false,
        request.preserveFocus,
      ),
      'Turbo',
      false,
    );
    try {
      for (const folder of folders) {
        if (token.isCancellationRequested) break;
        if (refuseOnBadSettings(readSettings(vscode.Uri.file(folder)))) continue;
        const command = await this.tests.commandFor(folder);
        if (!command || token.isCancellationRequested) continue;
        this.live.set(folder, { run, owned: false });
        await this.tests.exclusive((abort) =>
          abortingOnCancel(token, abort, () => this.tests.run(folder, command, abort.signal)),
        );
      }
    } finally {
      for (const folder of folders) if (this.live.get(folder)?.run === run) this.live.delete(folder);
      run.end();
    }
  }

  /** The folders a request names (an item's top-level ancestor), or every folder shown, or the one to test. */
  private async foldersOf(request: vscode.TestRunRequest): Promise<string[]> {
    const excluded = new Set(request.exclude?.map((i) => i.id));
    const top = (item: vscode.TestItem) => {
      while (item.parent) item = item.parent;
      return item.id;
    };
    if (request.include?.length) return [...new Set(request.include.map(top))].filter((f) => !excluded.has(f));
    const known: string[] = [];
    this.controller.items.forEach((item) => {
      if (!excluded.has(item.id)) known.push(item.id);
    });
    if (known.length > 0) return known;
    const picked = await this.tests.pickFolder();
    return picked ? [picked] : [];
  }

  /**
   * A run Turbo started elsewhere (a command, a fix): it keeps the person's focus where it is, and
   * the view's Cancel stops it as the notification's Cancel does.
   */
  private ownRun(item: vscode.TestItem): Live {
    const run = this.controller.createTestRun(
      new vscode.TestRunRequest([item], undefined, undefined, false, true),
      'Turbo',
      false,
    );
    return { run, owned: true, cancel: run.token.onCancellationRequested(() => this.tests.stop()) };
  }

  private end(entry: Live): void {
    entry.cancel?.dispose();
    if (entry.owned) entry.run.end();
  }

  private folderItem(folder: string): vscode.TestItem {
    let item = this.controller.items.get(folder);
    if (!item) {
      const relative = vscode.workspace.asRelativePath(folder, false);
      item = this.controller.createTestItem(
        folder,
        safeText(relative === folder ? path.basename(folder) : relative),
        vscode.Uri.file(folder),
      );
      this.controller.items.add(item);
    }
    return item;
  }

  private started(folder: string): void {
    const item = this.folderItem(folder);
    const previous = this.live.get(folder);
    // A run of ours that never reported (it threw) ends here rather than spin for ever.
    if (previous?.owned) this.end(previous);
    const entry = previous && !previous.owned ? previous : this.ownRun(item);
    this.live.set(folder, entry);
    entry.run.started(item);
  }

  private publish(report: TestReport): void {
    // Fix Until Green hands its last round's report over twice.
    if (this.published.has(report)) return;
    this.published.add(report);
    const folder = report.cwd;
    const item = this.folderItem(folder);
    const entry = this.live.get(folder) ?? this.ownRun(item);
    this.live.delete(folder);
    const { run } = entry;
    try {
      run.appendOutput(safeStream(report.output).replace(/\n/g, '\r\n'), undefined, item);
      if (report.cancelled) {
        // A cancelled run proves nothing: the last complete run's items stay as they were.
        run.skipped(item);
        return;
      }
      const shown = this.failingItems(item, report.failures);
      item.children.replace(shown.map((s) => s.item));
      item.description = countsText(report);
      for (const s of shown) run.failed(s.item, s.messages);
      const state = this.folderState(report);
      if (state.state === 'passed') run.passed(item, report.durationMs);
      else if (state.state === 'errored') run.errored(item, state.messages, report.durationMs);
      else run.failed(item, state.messages, report.durationMs);
      this.shown.set(folder, [{ item, ...state, outdated: false }, ...shown]);
    } finally {
      this.end(entry);
    }
  }

  private folderState(report: TestReport): Pick<ShownTestItem, 'state' | 'messages'> {
    if (report.green) return { state: 'passed', messages: [] };
    if (report.failures.length > 0) return { state: 'failed', messages: [new vscode.TestMessage(countsText(report))] };
    const why = report.timedOut ? 'timed out' : `failed (exit code ${report.exitCode})`;
    return {
      state: 'errored',
      messages: [
        new vscode.TestMessage(`The tests ${why}, and no failure could be located in the output. See "Turbo Tests".`),
      ],
    };
  }

  /** One item per failing test (a test that fails at several places has several messages). */
  private failingItems(folderItem: vscode.TestItem, failures: TestFailure[]): ShownTestItem[] {
    const byId = new Map<string, ShownTestItem>();
    const folder = folderItem.id;
    for (const failure of failures) {
      const { file, line, column } = failure.location;
      const relative = path.relative(folder, file) || path.basename(file);
      // Keyed by file and test name, so a test keeps its item across runs while its line moves.
      // (VS Code joins ids with NUL, so none may hold one.)
      const id = safeText(`${relative} › ${failure.test ?? `${line}:${column}`}`);
      let shown = byId.get(id);
      if (!shown) {
        const label = failure.test ?? `${path.basename(file)}:${line}`;
        const item = this.controller.createTestItem(id, safeText(label), vscode.Uri.file(file));
        const start = positionOf({ line, column: 1 });
        item.range = new vscode.Range(start, start);
        item.description = safeText(`${relative}:${line}`);
        byId.set(id, (shown = { item, state: 'failed', messages: [], outdated: false }));
      }
      shown.messages.push(testMessage(failure));
    }
    return [...byId.values()];
  }

  private outdated(folder: string): void {
    const item = this.controller.items.get(folder);
    if (!item) return;
    this.controller.invalidateTestResults(item);
    for (const shown of this.shown.get(folder) ?? []) shown.outdated = true;
  }

  dispose(): void {
    for (const entry of this.live.values()) this.end(entry);
    this.live.clear();
    for (const d of this.subscriptions) d.dispose();
  }
}

/** A failure as the Testing view shows it: at its location, a diff when both values were printed. */
export function testMessage(failure: TestFailure): vscode.TestMessage {
  const text = safeText(failure.message);
  const message =
    failure.expected !== undefined && failure.actual !== undefined
      ? vscode.TestMessage.diff(text, safeText(failure.expected), safeText(failure.actual))
      : new vscode.TestMessage(text);
  message.location = new vscode.Location(vscode.Uri.file(failure.location.file), positionOf(failure.location));
  if (failure.related.length > 0) {
    // Innermost first, as stack traces read: where it raised, then the test's own line.
    message.stackTrace = [
      ...failure.related.map(
        (r) =>
          new vscode.TestMessageStackFrame(safeText(r.message.split('\n')[0]), vscode.Uri.file(r.file), positionOf(r)),
      ),
      new vscode.TestMessageStackFrame(
        safeText(failure.test ?? 'test'),
        message.location.uri,
        positionOf(failure.location),
      ),
    ];
  }
  return message;
}
