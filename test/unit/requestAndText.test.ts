import * as assert from 'node:assert/strict';
import { resolveBaseUrl } from '../../src/core/generation/clientConfig';
import { redactSecrets } from '../../src/core/errors';
import { buildChatRequest, DEFAULT_MODEL, SYSTEM_PROMPT } from '../../src/core/generation/prompt';
import { progressMessage, summaryMessage } from '../../src/extension/progressText';
import type { GenerationReport } from '../../src/core/generation/pipeline';

describe('resolveBaseUrl', () => {
  it("prefers the setting, then CEREBRAS_BASE_URL, then the seed's CEREBRAS_URL", () => {
    const env = { CEREBRAS_BASE_URL: 'http://b', CEREBRAS_URL: 'http://c/v1' };
    assert.equal(resolveBaseUrl('http://a', env), 'http://a');
    assert.equal(resolveBaseUrl('  ', env), 'http://b');
    assert.equal(resolveBaseUrl(undefined, { CEREBRAS_URL: 'http://c/v1' }), 'http://c/v1');
    assert.equal(resolveBaseUrl(undefined, {}), undefined);
  });
});

describe('redactSecrets', () => {
  it('removes the key, bearer tokens and csk- keys from text', () => {
    const out = redactSecrets('key=my-secret-key auth: Bearer abcdef123456 other csk-abcdefghijkl', 'my-secret-key');
    assert.doesNotMatch(out, /my-secret-key|abcdef123456|csk-abcdefghijkl/);
    assert.match(out, /\[redacted\]/);
  });
});

describe('buildChatRequest', () => {
  it('sends the contract as the user message under the <FILE> system prompt, with a token cap', () => {
    const req = buildChatRequest('## RULES\n- x\n');
    assert.equal(req.model, DEFAULT_MODEL);
    assert.deepEqual(req.messages, [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: '## RULES\n- x\n' },
    ]);
    // No cap set: sized from the contract; a short one gets the floor, not a flat 32768.
    assert.equal(req.max_completion_tokens, 8192);
    assert.equal(buildChatRequest('## RULES\n- x\n', { maxCompletionTokens: 300 }).max_completion_tokens, 300);
    assert.equal(buildChatRequest('c', { model: 'llama-3.3-70b', systemPrompt: 'S' }).messages[0].content, 'S');
  });
});

describe('progress and summary text', () => {
  it('shows tokens, tokens/s, files and the file being written', () => {
    assert.equal(
      progressMessage({
        tokens: 1234,
        tokensPerSecond: 2950.4,
        filesWritten: 1,
        elapsedMs: 400,
        currentFile: 'app/main.py',
      }),
      '1,234 tokens · 2,950 tok/s · 1 file written · app/main.py',
    );
    assert.equal(
      progressMessage({ tokens: 0, tokensPerSecond: 0, filesWritten: 0, elapsedMs: 1, currentFile: undefined }),
      '0 tokens · 0 files written',
    );
  });

  it('summarises files, lines, tokens, seconds and what was not written', () => {
    const report: GenerationReport = {
      model: 'gpt-oss-120b',
      unfinished: [],
      continuations: 0,
      costUsd: 0.00088,
      finishReason: 'stop',
      truncated: false,
      timeInfo: { completion_time: 0.49 },
      error: undefined,
      files: [
        { path: 'a', lines: 10, bytes: 1, overwritten: false },
        { path: 'b', lines: 5, bytes: 1, overwritten: false },
      ],
      rejected: [{ path: '../x', reason: "'..' segment" }],
      warnings: [],
      usage: { prompt_tokens: 1, completion_tokens: 980, total_tokens: 981 },
      streamMs: 640,
      durationMs: 700,
    };
    assert.equal(
      summaryMessage(report),
      "Turbo wrote 2 files (15 lines, 980 tokens, 2,000 tok/s) in 0.6 s with gpt-oss-120b, $0.0009. 1 not written: ../x: '..' segment.",
    );
    // The person's time at the question about existing files is not stream time.
    const asked = summaryMessage({ ...report, rejected: [], streamMs: 3_040, durationMs: 17_130 });
    assert.match(asked, /\) in 3\.0 s with gpt-oss-120b, \$0\.0009\. 17\.1 s in all, with your answer\.$/);
  });

  it('keeps the summary short when many files were refused, so the notification still shows (the rest is in the log)', () => {
    const rejected = Array.from({ length: 16 }, (_, i) => ({
      path: `deep/folder/number-${i}/.github/workflows/ci.yml`,
      reason: 'matches deny pattern .github/workflows/**',
    }));
    const report = {
      model: 'gpt-oss-120b',
      unfinished: [],
      continuations: 0,
      costUsd: 0,
      finishReason: 'stop',
      truncated: false,
      timeInfo: undefined,
      error: undefined,
      files: [],
      rejected,
      warnings: [],
      usage: undefined,
      streamMs: 10,
      durationMs: 10,
    } as GenerationReport;
    const text = summaryMessage(report);
    assert.ok(text.length < 400, `${text.length} characters: ${text}`);
    assert.match(
      text,
      /16 not written: deep\/folder\/number-0\/\.github\/workflows\/ci\.yml, deep\/folder\/number-1\/\S* and 14 more: matches deny pattern \.github\/workflows\/\*\*\.$/,
    );
  });
});
