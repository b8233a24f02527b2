import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { GenerationReport } from '../../../src/core/generation/pipeline';
import { progressMessage, summaryMessage } from '../../../src/extension/progressText';
import { safeLogChannel, safeTestOutputChannel } from '../../../src/extension/safeChannel';

// Control characters, bidirectional overrides and zero-width characters (spoof file names in the editor).
const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;

const report = (over: Partial<GenerationReport>): GenerationReport => ({
  model: 'gpt-oss-120b',
  files: [],
  rejected: [],
  warnings: [],
  unfinished: [],
  finishReason: 'stop',
  truncated: false,
  continuations: 0,
  usage: undefined,
  timeInfo: undefined,
  costUsd: undefined,
  streamMs: 10,
  durationMs: 10,
  error: undefined,
  ...over,
});

/** A channel that keeps what it is given, standing in for the editor's output panel. */
function recordingChannel(): vscode.LogOutputChannel & { lines: string[] } {
  const lines: string[] = [];
  const keep = (m: string | Error) => lines.push(typeof m === 'string' ? m : m.message);
  return {
    lines,
    name: 'rec',
    logLevel: 2,
    onDidChangeLogLevel: () => ({ dispose: () => undefined }),
    append: keep,
    appendLine: keep,
    replace: keep,
    clear: () => undefined,
    show: () => undefined,
    hide: () => undefined,
    dispose: () => undefined,
    trace: keep,
    debug: keep,
    info: keep,
    warn: keep,
    error: keep,
  } as unknown as vscode.LogOutputChannel & { lines: string[] };
}

describe('editor messages and logs show outside text escaped', () => {
  const hostile = 'gpj.\u202eexe.py\u001b]52;c;Y3VybA==\u0007\u200b';

  it('the summary message escapes refused paths and reasons', () => {
    const text = summaryMessage(
      report({
        rejected: [
          { path: hostile, reason: 'denied \u009b2J', status: 'rejected' } as GenerationReport['rejected'][number],
        ],
      }),
    );
    assert.doesNotMatch(text, UNSAFE);
    assert.match(text, /gpj\.\\u202eexe\.py\\x1b\]52/);
  });

  it('the progress message escapes the file being written', () => {
    const text = progressMessage({
      tokens: 10,
      tokensPerSecond: 0,
      filesWritten: 0,
      elapsedMs: 1,
      currentFile: hostile,
    });
    assert.doesNotMatch(text, UNSAFE);
  });

  it('the "Turbo" log escapes every message it is given', () => {
    const inner = recordingChannel();
    const log = safeLogChannel(inner);
    log.info(`Wrote ${hostile}`);
    log.warn(hostile);
    log.error(new Error(hostile));
    log.appendLine(hostile);
    assert.equal(inner.lines.length, 4);
    for (const line of inner.lines) assert.doesNotMatch(line, UNSAFE);
    assert.equal(log.name, 'rec');
  });

  it('"Turbo Tests" drops escape sequences (colours, titles) and escapes the rest of the test output', () => {
    const inner = recordingChannel();
    const out = safeTestOutputChannel(inner);
    out.append('\u001b[31mFAIL\u001b[0m \u001b]0;title\u0007x \u202e\r\n');
    assert.equal(inner.lines[0], 'FAIL x \\u202e\n');
  });
});
