import * as assert from 'node:assert/strict';
import type { CandidateResult } from '../../src/core/race/types';
import { comparisonHtml, escapeHtml, type ComparisonModel } from '../../src/extension/race/comparisonHtml';
import { candidateState, progressLine, shortCount, verdictText } from '../../src/extension/race/raceText';
import { validateSettings } from '../../src/extension/settingsCheck';

function candidate(n: number, over: Partial<CandidateResult> = {}): CandidateResult {
  return {
    candidate: n,
    green: false,
    passed: undefined,
    failed: undefined,
    loads: true,
    conformance: undefined,
    refused: [],
    touchedTests: [],
    files: [{ path: 'src/calc.js', content: 'x\n', lines: 1, bytes: 2 }],
    lines: 1,
    usage: { prompt_tokens: 10, completion_tokens: 1234, total_tokens: 1244 },
    costUsd: 0.0012,
    durationMs: 1400,
    error: null,
    test: undefined,
    generation: undefined,
    ...over,
  };
}

const model = (over: Partial<ComparisonModel> = {}): ComparisonModel => ({
  contract: 'calc.contract.md',
  folder: 'out',
  winner: 1,
  applied: 1,
  hadTests: true,
  notices: [],
  candidates: [
    candidate(1, { green: true, passed: 4, failed: 0 }),
    candidate(2, { passed: 3, failed: 1 }),
    candidate(3, { loads: false }),
  ],
  ...over,
});

const page = { nonce: 'N0nce', cspSource: 'vscode-webview:' };
const rowOf = (html: string, n: number) => new RegExp(`<tr data-candidate="${n}"[^]*?</tr>`).exec(html)?.[0] ?? '';

describe('The race in the editor: progress and the comparison view', () => {
  it('says each candidate state in one line', () => {
    assert.equal(shortCount(950), '950');
    assert.equal(shortCount(1234), '1.2k');
    assert.equal(shortCount(2000), '2k');
    assert.equal(shortCount(56_789), '57k');
    const base = { tokens: 0, filesWritten: 0 };
    assert.equal(
      progressLine([
        { candidate: 1, phase: 'streaming', ...base, tokens: 1234 },
        { candidate: 2, phase: 'testing', ...base },
        { candidate: 3, phase: 'done', ...base, passed: 3, failed: 1 },
        { candidate: 4, phase: 'failed', ...base },
      ]),
      '#1 streaming 1.2k tok · #2 testing · #3 3/4 passed · #4 failed',
    );
    assert.equal(candidateState({ candidate: 1, phase: 'not_run', ...base }), 'not run');
  });

  it('tells tests passed, code that does not load, and clauses met when there were no tests', () => {
    assert.equal(verdictText(candidate(1, { passed: 3, failed: 1 }), true), '3 passed, 1 failed');
    assert.equal(verdictText(candidate(1, { loads: false }), true), 'does not load');
    assert.equal(
      verdictText(candidate(1, { passed: 2, failed: 0, notGreenBecause: 'fewer tests ran than before (2 < 4)' }), true),
      '2 passed, 0 failed (fewer tests ran than before (2 < 4))',
    );
    assert.equal(verdictText(candidate(1, { conformance: { met: 5, total: 6 } }), false), '5/6 contract clauses met');
    assert.equal(verdictText(candidate(1, { files: [], error: 'HTTP 401\nWrong key' }), true), 'HTTP 401\\nWrong key');
  });

  it('one row per candidate: the winner applied, the others can be diffed and used instead', () => {
    const html = comparisonHtml(model(), page);
    assert.equal((html.match(/<tr data-candidate=/g) ?? []).length, 3);
    assert.match(rowOf(html, 1), /✓ green[^]*winner[^]*applied/);
    assert.doesNotMatch(rowOf(html, 1), /Use This One Instead|Open Diff vs Winner/);
    assert.match(
      rowOf(html, 1),
      /<button type="button" data-action="diffFolder" data-candidate="1" aria-label="[^"]+">/,
    );
    for (const n of [2, 3]) {
      assert.match(rowOf(html, n), /✗ not green/);
      assert.match(rowOf(html, n), /data-action="diffWinner"/);
      assert.match(rowOf(html, n), /data-action="use" data-candidate="\d"/);
    }
    assert.match(rowOf(html, 2), /3 passed, 1 failed/);
    assert.match(rowOf(html, 3), /does not load/);
    assert.match(rowOf(html, 1), /1,234[^]*1\.4 s[^]*\$0\.0012/);
    assert.doesNotMatch(html, /Fix Until Green<\/button>/, 'a green winner needs no fix');
  });

  it('when none is green the best is applied and Fix Until Green is offered on it', () => {
    const html = comparisonHtml(
      model({
        winner: 2,
        applied: 2,
        candidates: [candidate(1, { loads: false }), candidate(2, { passed: 3, failed: 1 })],
      }),
      page,
    );
    assert.match(html, /No candidate is green; the best, candidate 2, was applied/);
    assert.match(rowOf(html, 2), /data-action="fix" data-candidate="2"/);
    assert.doesNotMatch(rowOf(html, 1), /data-action="fix"/);
  });

  it('after a swap the swapped candidate is the applied one and the winner can come back', () => {
    const html = comparisonHtml(model({ applied: 2 }), page);
    assert.match(rowOf(html, 2), /applied/);
    assert.match(rowOf(html, 1), /data-action="use" data-candidate="1"/);
    assert.match(html, /Candidate 2 is applied instead/);
  });

  it('without a test command the page offers no Fix Until Green, in the headline or a button', () => {
    const html = comparisonHtml(
      model({ hadTests: false, candidates: [candidate(1), candidate(2)], winner: 1, applied: 1 }),
      page,
    );
    assert.match(html, /No candidate is green; the best, candidate 1, was applied\./);
    assert.doesNotMatch(html, /Fix Until Green/);
  });

  it('when the folder holds none of the candidates (not written, undone, edited) the page does not say one is applied', () => {
    const html = comparisonHtml(model({ applied: undefined }), page);
    assert.doesNotMatch(html, /It is applied|is applied instead|class="badge applied"/);
    assert.match(html, /Candidate 1 won: it is green\. No candidate is in the folder as it was written/);
    assert.match(rowOf(html, 1), /data-action="use" data-candidate="1"/, 'the winner can be written again');
    const best = comparisonHtml(
      model({ winner: 2, applied: undefined, candidates: [candidate(1, { loads: false }), candidate(2)] }),
      page,
    );
    assert.match(
      best,
      /No candidate is green; the best is candidate 2\. No candidate is in the folder as it was written/,
    );
    assert.doesNotMatch(best, /<button[^>]*data-action="fix"/, 'a fix would work on files that are no candidate');
  });

  it('readable in a narrow panel and a light theme: cells name their column, verdict colours are text colours', () => {
    const html = comparisonHtml(model(), page);
    const heads = [...html.matchAll(/<th scope="col">([^<]+)<\/th>/g)].map((m) => m[1]);
    const labels = [...rowOf(html, 2).matchAll(/<td[^>]* data-label="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(labels, heads.slice(1), 'each cell of a row says its column, for the stacked layout');
    assert.match(html, /@media \(max-width: \d+px\)[^]*td::before \{ content: attr\(data-label\)/);
    // The testing icon colours are for icons: light green on white cannot be read as text.
    assert.match(html, /\.green \{ color: var\(--vscode-charts-green/);
    assert.match(html, /\.red \{ color: var\(--vscode-errorForeground/);
  });

  it('when the folder holds no candidate as written (an edit, an undo), no row says applied and every one can be used', () => {
    const html = comparisonHtml(model({ applied: undefined }), page);
    assert.match(html, /No candidate is in the folder as it was written \(not written, or changed since/);
    assert.doesNotMatch(html, /Candidate undefined/);
    for (const n of [1, 2, 3]) {
      assert.doesNotMatch(rowOf(html, n), /badge applied/);
      assert.match(rowOf(html, n), new RegExp(`data-action="use" data-candidate="${n}"`));
    }
  });

  it('a candidate whose tests were cancelled reads "cancelled while testing", not "does not load"', () => {
    const test = { cancelled: true } as CandidateResult['test'];
    assert.equal(verdictText(candidate(1, { loads: false, test }), true), 'cancelled while testing');
    assert.equal(verdictText(candidate(1, { loads: false }), true), 'does not load');
  });

  it('a strict policy with a nonce, no remote content, every outside string escaped', () => {
    const evil = '<img src=x onerror="alert(1)">\u001b[31m';
    const html = comparisonHtml(
      model({
        contract: evil,
        notices: [evil],
        candidates: [candidate(1, { refused: [{ path: `test/${evil}.js`, reason: evil }], error: evil })],
      }),
      page,
    );
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-N0nce'; script-src 'nonce-N0nce'; img-src vscode-webview:">/,
    );
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<script nonce="N0nce">/);
    assert.doesNotMatch(html, /<img|onerror="|\u001b|https?:\/\//);
    assert.match(html, /&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;\\x1b\[31m/);
    assert.equal(escapeHtml(`a&b'"`), 'a&amp;b&#39;&quot;');
  });

  it('turbo.raceCandidates takes a whole number from 2 to 8 (default 3)', () => {
    const read = (value: unknown) => validateSettings((k) => (k === 'raceCandidates' ? value : undefined));
    assert.equal(read(undefined).settings.raceCandidates, 3);
    assert.equal(read(8).settings.raceCandidates, 8);
    assert.equal(read('4').settings.raceCandidates, 4);
    for (const bad of [1, 9, 2.5, 'many', true]) {
      const { settings, problems } = read(bad);
      assert.equal(settings.raceCandidates, 3, `${String(bad)} falls back to the default`);
      assert.equal(problems[0]?.setting, 'turbo.raceCandidates', String(bad));
      assert.match(problems[0].message, /turbo\.raceCandidates takes a whole number from 2 to 8/);
    }
  });
});
