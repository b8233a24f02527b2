import * as vscode from 'vscode';
import type { TestReport } from '../../core/testing/loop';
import { countsText } from '../../core/testing/report';

/** What the test status bar item says about a folder's last run. */
export interface ShownRun {
  folder: string;
  command: string;
  report: TestReport;
  /** Files changed since the run: the counts no longer describe them. */
  stale: boolean;
}

/** The test counts in the status bar; a click runs the last folder's tests again. */
export class TestStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('turbo.tests', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'Turbo Tests';
    this.item.command = 'turbo.rerunTests';
  }

  running(folder: string, command: string): void {
    this.item.text = '$(sync~spin) Testing…';
    this.item.tooltip = `Turbo: running ${command} in ${folder}`;
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  /** A cancelled run says so; the last complete run (when there is one) stays what the panel shows. */
  cancelled(previous: ShownRun | undefined): void {
    this.item.text = '$(circle-slash) Tests cancelled';
    this.item.tooltip = `Turbo: the test run was cancelled.${previous ? `\nThe last complete run: ${countsText(previous.report)}.` : ''}\nClick to run again.`;
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  show(run: ShownRun): void {
    const { report } = run;
    const failed = report.failed || report.failures.length || undefined;
    const counts = report.green
      ? `✓ ${report.passed ?? 'all'} passed`
      : report.timedOut
        ? '$(watch) Tests timed out'
        : failed
          ? `✗ ${failed} failed`
          : '✗ Tests failed';
    this.item.text = run.stale ? `$(history) ${counts}, out of date` : counts;
    const when = `${countsText(report)} in ${(report.durationMs / 1000).toFixed(1)} s${report.timedOut ? ' (timed out)' : ''}`;
    const stale = run.stale ? '\nFiles changed since this run, so these counts may no longer hold.' : '';
    this.item.tooltip = `Turbo: ${run.command} in ${run.folder}\n${when}${stale}\nClick to run again.`;
    this.item.backgroundColor =
      report.green || run.stale ? undefined : new vscode.ThemeColor('statusBarItem.errorBackground');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
