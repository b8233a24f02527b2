import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_DENY } from '../../../src/core/generation/pathGuard';
import { DEFAULT_MODEL } from '../../../src/core/generation/prompt';
import { validateSettings } from '../../../src/extension/settingsCheck';

/** What VS Code's getConfiguration('turbo').get(key) returns: the user's value, else the declared default. */
const DEFAULTS: Record<string, unknown> = {
  model: 'gpt-oss-120b',
  outputDirectory: '',
  overwrite: 'ask',
  previewBeforeWrite: false,
  maxContinuations: 2,
  maxCompletionTokens: null,
  temperature: null,
  reasoningEffort: '',
  streamIdleTimeout: 60,
  denyPatterns: ['.git/**', '.vscode/**', 'node_modules/**'],
  baseUrl: '',
  testCommand: '',
  testTimeout: 300,
  maxFixRounds: 3,
};
const check = (user: Record<string, unknown>) => validateSettings((key) => (key in user ? user[key] : DEFAULTS[key]));

describe('editor settings: every number and word is checked, and a bad one is named', () => {
  it('the defaults are valid and read as before', () => {
    const { settings, problems } = check({});
    assert.deepEqual(problems, []);
    assert.equal(settings.model, DEFAULT_MODEL);
    assert.equal(settings.overwrite, 'ask');
    assert.equal(settings.maxContinuations, 2);
    // Unset: each request is sized from its contract (sizeCompletionTokens), not a flat 32768.
    assert.equal(settings.maxCompletionTokens, undefined);
    assert.equal(settings.temperature, undefined);
    assert.equal(settings.reasoningEffort, undefined);
    assert.equal(settings.streamIdleTimeoutMs, 60_000);
    assert.equal(settings.testTimeoutMs, 300_000);
    assert.equal(settings.maxFixRounds, 3);
    assert.deepEqual(settings.denyPatterns, [...DEFAULT_DENY]);
    assert.deepEqual(settings.protectedPaths, []);
    assert.deepEqual(check({ protectedPaths: ['fixtures/**', ' ', '!src/test.js'] }).settings.protectedPaths, [
      'fixtures/**',
      '!src/test.js',
    ]);
  });

  it('an absent value (no declared default) falls back to the built-in one', () => {
    const { settings, problems } = validateSettings(() => undefined);
    assert.deepEqual(problems, []);
    assert.equal(settings.overwrite, 'ask');
    assert.deepEqual(settings.denyPatterns, [...DEFAULT_DENY]);
  });

  it('accepts good values', () => {
    const { settings, problems } = check({
      overwrite: 'never',
      maxContinuations: 0,
      temperature: 0.7,
      reasoningEffort: 'high',
      streamIdleTimeout: 3600,
      testTimeout: 86_400,
      maxFixRounds: 20,
      baseUrl: 'http://127.0.0.1:8080/v1',
      model: 'llama-3.3-70b',
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(
      [
        settings.overwrite,
        settings.maxContinuations,
        settings.temperature,
        settings.reasoningEffort,
        settings.streamIdleTimeoutMs,
        settings.testTimeoutMs,
        settings.maxFixRounds,
      ],
      ['never', 0, 0.7, 'high', 3_600_000, 86_400_000, 20],
    );
  });

  const bad: [string, unknown, RegExp][] = [
    ['overwrite', 'Never', /^turbo\.overwrite takes ask, always, never; got "Never"/],
    ['overwrite', 'no', /^turbo\.overwrite takes ask, always, never; got "no"/],
    ['overwrite', 42, /^turbo\.overwrite takes/],
    ['reasoningEffort', 'HIGH', /^turbo\.reasoningEffort takes "", low, medium, high/],
    ['maxContinuations', NaN, /^turbo\.maxContinuations takes a whole number from 0 to 10/],
    ['maxContinuations', 'abc', /^turbo\.maxContinuations takes a whole number from 0 to 10; got "abc"/],
    ['maxContinuations', 11, /^turbo\.maxContinuations/],
    ['maxCompletionTokens', 1e9, /^turbo\.maxCompletionTokens takes a whole number from 256 to 1000000/],
    ['temperature', 5, /^turbo\.temperature takes a number from 0 to 2/],
    ['temperature', 'hot', /^turbo\.temperature/],
    ['streamIdleTimeout', 3_000_000, /^turbo\.streamIdleTimeout takes a whole number from 5 to 3600/],
    ['testTimeout', 2_200_000, /^turbo\.testTimeout takes a number from 1 to 86400/],
    ['testTimeout', Infinity, /^turbo\.testTimeout/],
    ['maxFixRounds', 0, /^turbo\.maxFixRounds takes a whole number from 1 to 20/],
    ['previewBeforeWrite', 'yes', /^turbo\.previewBeforeWrite takes true or false/],
    ['denyPatterns', '.env', /^turbo\.denyPatterns takes a list of globs/],
    ['denyPatterns', ['.env', 3], /^turbo\.denyPatterns takes a list of globs/],
    ['protectedPaths', 'fixtures/**', /^turbo\.protectedPaths takes a list of globs/],
    ['protectedPaths', ['fixtures/[ab'], /^turbo\.protectedPaths takes globs .*"\[" without its pair/],
    ['baseUrl', 'file:///etc', /^turbo\.baseUrl takes an http:\/\/ or https:\/\/ URL/],
    ['model', 'gpt\u001b[2J', /^turbo\.model takes a model id/],
    ['testCommand', ['npm', 'test'], /^turbo\.testCommand takes a command line/],
    ['outputDirectory', 7, /^turbo\.outputDirectory takes a folder path/],
  ];
  for (const [key, value, message] of bad) {
    it(`turbo.${key} = ${JSON.stringify(value) ?? String(value)} is a problem naming the setting`, () => {
      const { problems } = check({ [key]: value });
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0].setting, `turbo.${key}`);
      assert.match(problems[0].message, message);
      assert.doesNotMatch(problems[0].message, /\u001b/);
    });
  }

  it('a bad overwrite word never becomes "always", and a bad preview flag keeps the preview on', () => {
    for (const v of ['Never', 'no', 'ALWAYS', 'always ', 1, true])
      assert.notEqual(check({ overwrite: v }).settings.overwrite, 'always');
    assert.equal(check({ previewBeforeWrite: 'no' }).settings.previewBeforeWrite, true);
  });

  it('collects every problem, not just the first', () => {
    assert.deepEqual(
      check({ overwrite: 'x', maxContinuations: -1, testTimeout: 0 }).problems.map((p) => p.setting),
      ['turbo.overwrite', 'turbo.maxContinuations', 'turbo.testTimeout'],
    );
  });

  it('the settings schema in package.json declares the same ranges the check enforces', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
    const props: Record<string, { type: string | string[]; minimum?: number; maximum?: number }> =
      pkg.contributes.configuration.properties;
    let checked = 0;
    for (const [id, schema] of Object.entries(props)) {
      if (schema.minimum === undefined) continue;
      const key = id.replace(/^turbo\./, '');
      assert.ok(schema.maximum !== undefined, `${id} declares a maximum`);
      assert.deepEqual(check({ [key]: schema.minimum }).problems, [], `${id} = minimum`);
      assert.deepEqual(check({ [key]: schema.maximum }).problems, [], `${id} = maximum`);
      assert.equal(check({ [key]: schema.maximum + 1 }).problems[0]?.setting, id, `${id} above its maximum`);
      checked++;
    }
    assert.ok(checked >= 6);
  });
});
