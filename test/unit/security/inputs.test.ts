import * as assert from 'node:assert/strict';
import { TurboError } from '../../../src/core/errors';
import { checkBaseUrl } from '../../../src/core/generation/clientConfig';
import {
  clampTimerMs,
  MAX_TIMER_MS,
  optionalChoice,
  optionalNumber,
  parseChoice,
  parseHttpUrl,
  parseNumber,
} from '../../../src/core/inputs';
import { hasUnsafeChars, safeInline, safeJson, safeStream, safeText } from '../../../src/core/terminalText';

describe('validated inputs', () => {
  const rule = { min: 0, max: 10 };
  it('accepts plain whole numbers in range', () => {
    assert.equal(parseNumber('3', 'X', rule), 3);
    assert.equal(parseNumber(' 10 ', 'X', rule), 10);
    assert.equal(parseNumber(0, 'X', rule), 0);
  });
  for (const bad of ['abc', '', 'NaN', 'Infinity', '1e3', '0x5', '2.5', '-1', '11', '1e400']) {
    it(`refuses ${JSON.stringify(bad)} and names the source`, () => {
      assert.throws(
        () => parseNumber(bad, 'TURBO_MAX_CONTINUATIONS', rule),
        (err: unknown) =>
          err instanceof TurboError &&
          err.kind === 'config' &&
          /TURBO_MAX_CONTINUATIONS takes a whole number from 0 to 10/.test(err.message),
      );
    });
  }
  it('refuses non-finite numbers given as numbers', () => {
    assert.throws(() => parseNumber(Infinity, 'turbo.testTimeout', { min: 1, max: 86_400 }), /turbo.testTimeout/);
    assert.throws(() => parseNumber(NaN, 'turbo.testTimeout', { min: 1, max: 86_400 }), /turbo.testTimeout/);
  });
  it('reads decimals when asked', () => {
    assert.equal(parseNumber('0.5', 'T', { min: 0, max: 2, integer: false }), 0.5);
    assert.throws(() => parseNumber('.', 'T', { min: 0, max: 2, integer: false }));
  });
  it('gives the fallback only for absent or blank values', () => {
    assert.equal(optionalNumber(undefined, 'X', rule, 2), 2);
    assert.equal(optionalNumber('  ', 'X', rule, 2), 2);
    assert.throws(() => optionalNumber('abc', 'X', rule, 2));
  });
  it('takes choices exactly', () => {
    const allowed = ['always', 'never'] as const;
    assert.equal(parseChoice('never', 'TURBO_OVERWRITE', allowed), 'never');
    for (const bad of ['Never', 'no', 'yes', ' never'])
      assert.throws(() => parseChoice(bad, 'TURBO_OVERWRITE', allowed), /TURBO_OVERWRITE takes always, never/);
    assert.equal(optionalChoice(undefined, 'TURBO_OVERWRITE', allowed, 'always'), 'always');
    assert.throws(() => optionalChoice('Never', 'TURBO_OVERWRITE', allowed, 'always'));
  });
  it('takes only http(s) URLs with a host, and never shows a password in the message', () => {
    assert.equal(parseHttpUrl('https://api.cerebras.ai/v1')?.host, 'api.cerebras.ai');
    for (const bad of ['file:///etc/passwd', 'ftp://x', 'not a url', 'http://'])
      assert.equal(parseHttpUrl(bad), undefined, bad);
    assert.throws(
      () => checkBaseUrl('ftp://user:hunter2@host', 'CEREBRAS_BASE_URL'),
      (err: Error) => /CEREBRAS_BASE_URL/.test(err.message) && !err.message.includes('hunter2'),
    );
  });
  it('clamps timers to what Node can hold', () => {
    assert.equal(clampTimerMs(2_200_000_000), MAX_TIMER_MS);
    assert.equal(clampTimerMs(Infinity), MAX_TIMER_MS);
    assert.equal(clampTimerMs(-5), 0);
    assert.equal(clampTimerMs(1500.4), 1500);
  });
});

describe('terminal-safe text', () => {
  it('escapes escape sequences, C1 controls and bidi or zero-width characters', () => {
    const osc52 = 'a\u001b]52;c;Y3VybCB4IHwgc2g=\u0007b';
    assert.equal(safeText(osc52), 'a\\x1b]52;c;Y3VybCB4IHwgc2g=\\x07b');
    assert.equal(safeText('x\u009b31my'), 'x\\x9b31my');
    assert.equal(safeText('evil\u202etxt.js'), 'evil\\u202etxt.js');
    assert.equal(safeText('a\u200bb'), 'a\\u200bb');
    assert.equal(safeText('a\rb'), 'a\\x0db');
  });
  it('escapes invisible characters: soft hyphen, joiners, Hangul fillers, line separators, tag characters', () => {
    assert.equal(safeText('a\u00ADb\u034Fc\u3164d\u2028e'), 'a\\xadb\\u034fc\\u3164d\\u2028e');
    assert.equal(safeText('x\u{E0020}\u{E0069}'), 'x\\u{e0020}\\u{e0069}');
    assert.equal(JSON.parse(safeJson({ p: 'x\u{E0020}\u00AD' })).p, 'x\u{E0020}\u00AD', 'JSON keeps the same value');
    assert.ok(!/[\u00AD\uDB40]/.test(safeJson({ p: 'x\u{E0020}\u00AD' })), 'and shows none of them raw');
  });
  it('keeps tabs, newlines and ordinary Unicode', () => {
    assert.equal(safeText('a\tb\nc ✓ é 日本 ✔️ 한국'), 'a\tb\nc ✓ é 日本 ✔️ 한국');
  });
  it('escapes newlines and tabs inside one value', () => {
    assert.equal(safeInline('a\nb\tc'), 'a\\nb\\tc');
  });
  it('streams test output as a terminal shows it: hyperlinks keep their text, colours, titles and clipboard writes go', () => {
    const link = (url: string, text: string) => `\u001b]8;;${url}\u001b\\${text}\u001b]8;;\u001b\\`;
    assert.equal(
      safeStream(`FAIL ${link('file:///p/src/a.test.ts', 'src/a.test.ts')}:3:5\r\n`),
      'FAIL src/a.test.ts:3:5\n',
    );
    assert.equal(safeStream(`see ${link('https://example.com/a?b=c', 'docs')} \u001b[1mnow\u001b[22m`), 'see docs now');
    assert.equal(safeStream('a\u001b]52;c;Y3VybCB4IHwgc2g=\u0007b\u009b2Jc'), 'abc');
    // What no pattern reads as a sequence is still shown escaped, never raw.
    assert.equal(safeStream('x\u001b\u202ey'), 'x\\x1b\\u202ey');
  });
  it('tells whether text holds unsafe characters', () => {
    assert.equal(hasUnsafeChars('plain/path.js'), false);
    assert.equal(hasUnsafeChars('x\u001b[2J'), true);
    assert.equal(hasUnsafeChars('x\u2066y'), true);
  });
});
