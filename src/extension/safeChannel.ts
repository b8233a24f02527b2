import type * as vscode from 'vscode';
import { safeStream, safeText } from '../core/terminalText';

/**
 * Output channels whose every line is escaped on the way in. The log and the test output carry
 * model-chosen paths, server messages and test output; VS Code does not run escape sequences, but
 * bidirectional and zero-width characters would spoof file names there. One choke point per channel
 * rather than a call at each of the many lines written.
 */
class SafeOutputChannel<C extends vscode.OutputChannel> implements vscode.OutputChannel {
  constructor(
    protected readonly inner: C,
    protected readonly escape: (text: string) => string,
  ) {}
  get name(): string {
    return this.inner.name;
  }
  append(value: string): void {
    this.inner.append(this.escape(value));
  }
  appendLine(value: string): void {
    this.inner.appendLine(this.escape(value));
  }
  replace(value: string): void {
    this.inner.replace(this.escape(value));
  }
  clear(): void {
    this.inner.clear();
  }
  show(columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserveFocus === 'boolean' || columnOrPreserveFocus === undefined)
      this.inner.show(columnOrPreserveFocus);
    else this.inner.show(columnOrPreserveFocus, preserveFocus);
  }
  hide(): void {
    this.inner.hide();
  }
  dispose(): void {
    this.inner.dispose();
  }
}

class SafeLogChannel extends SafeOutputChannel<vscode.LogOutputChannel> implements vscode.LogOutputChannel {
  get logLevel(): vscode.LogLevel {
    return this.inner.logLevel;
  }
  get onDidChangeLogLevel(): vscode.Event<vscode.LogLevel> {
    return this.inner.onDidChangeLogLevel;
  }
  trace(message: string, ...args: unknown[]): void {
    this.inner.trace(this.escape(message), ...args.map(this.arg));
  }
  debug(message: string, ...args: unknown[]): void {
    this.inner.debug(this.escape(message), ...args.map(this.arg));
  }
  info(message: string, ...args: unknown[]): void {
    this.inner.info(this.escape(message), ...args.map(this.arg));
  }
  warn(message: string, ...args: unknown[]): void {
    this.inner.warn(this.escape(message), ...args.map(this.arg));
  }
  error(error: string | Error, ...args: unknown[]): void {
    this.inner.error(
      this.escape(typeof error === 'string' ? error : (error.stack ?? error.message)),
      ...args.map(this.arg),
    );
  }
  private readonly arg = (a: unknown): unknown => (typeof a === 'string' ? this.escape(a) : a);
}

/** The "Turbo" log: every message escaped. */
export function safeLogChannel(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  return new SafeLogChannel(channel, safeText);
}

/** "Turbo Tests": test output streams in, colour codes dropped, the rest escaped. */
export function safeTestOutputChannel(channel: vscode.OutputChannel): vscode.OutputChannel {
  return new SafeOutputChannel(channel, safeStream);
}
