/**
 * Test output that other people published (runner docs, issue threads, other tools' test data, CI
 * logs), each kept with its source link and the project files it names, in
 * test/fixtures/published/<runner>/<case>/. The parsers were written against our own samples; these
 * decide whether they hold on what users will feed them.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  detectRunner,
  parseTestOutput,
  RUNNER_NAMES,
  type RunnerName,
  type TestFailure,
} from '../../src/core/testing/parsers';

const CORPUS = path.resolve(__dirname, '../fixtures/published');

interface Expected {
  at: string;
  test?: string;
  message?: string;
  related?: string[];
  expected?: string;
  actual?: string;
}

interface Case {
  source: string;
  title: string;
  runner: RunnerName;
  parseAs?: RunnerName;
  note?: string;
  output?: string;
  root?: string;
  failures: Expected[];
  passed?: number;
  failed?: number;
}

/** Every case folder: one holding a case.json, below a runner's folder (answers have their own test). */
export function corpusCases(): { name: string; dir: string; spec: Case }[] {
  if (!fs.existsSync(CORPUS)) return [];
  return fs
    .readdirSync(CORPUS)
    .filter((runner) => (RUNNER_NAMES as readonly string[]).includes(runner))
    .flatMap((runner) =>
      fs
        .readdirSync(path.join(CORPUS, runner))
        .filter((c) => fs.existsSync(path.join(CORPUS, runner, c, 'case.json')))
        .map((c) => {
          const dir = path.join(CORPUS, runner, c);
          return {
            name: `${runner}/${c}`,
            dir,
            spec: JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as Case,
          };
        }),
    );
}

/** `file:line` or `file:line:col`, relative to the root, with forward slashes. */
function place(root: string, at: { file: string; line: number; column: number }, withColumn: boolean): string {
  const rel = path.relative(root, at.file).split(path.sep).join('/');
  return withColumn ? `${rel}:${at.line}:${at.column}` : `${rel}:${at.line}`;
}

function matches(root: string, failure: TestFailure, want: Expected): boolean {
  const withColumn = want.at.split(':').length > 2;
  if (place(root, failure.location, withColumn) !== want.at) return false;
  if (want.test !== undefined && failure.test !== want.test) return false;
  if (want.message !== undefined && !failure.message.includes(want.message)) return false;
  return true;
}

function describeFailure(root: string, f: TestFailure): string {
  const related = f.related.map((r) => place(root, r, true));
  return `${place(root, f.location, true)} [${f.test ?? '-'}] ${JSON.stringify(f.message.slice(0, 120))}${related.length ? ` related ${related.join(', ')}` : ''}`;
}

describe('test output parsers on published output (test/fixtures/published)', () => {
  const cases = corpusCases();

  it('the corpus holds published cases, each with a source link and an output', () => {
    for (const { name, dir, spec } of cases) {
      assert.match(spec.source, /^https?:\/\/\S+$/, `${name}: case.json needs the source URL it was published at`);
      assert.ok(spec.title, `${name}: case.json needs a title`);
      assert.ok(
        RUNNER_NAMES.includes(spec.runner),
        `${name}: runner ${spec.runner} is not one of ${RUNNER_NAMES.join(', ')}`,
      );
      assert.ok(fs.existsSync(path.join(dir, spec.output ?? 'output.txt')), `${name}: the published output is missing`);
      assert.ok(Array.isArray(spec.failures), `${name}: case.json needs the failures a developer wants`);
    }
  });

  for (const { name, dir, spec } of cases) {
    it(`${name}: ${spec.title}`, () => {
      const output = fs.readFileSync(path.join(dir, spec.output ?? 'output.txt'), 'utf8');
      const root = path.join(dir, spec.root ?? 'project');
      if (!spec.parseAs) assert.equal(detectRunner(output), spec.runner, 'detected runner');
      const parsed = parseTestOutput(output, root, spec.parseAs ?? 'auto');
      assert.ok(parsed, 'the output is parsed');
      const found = parsed.failures.map((f) => describeFailure(root, f));
      const shown = `\nfound:\n  ${found.join('\n  ') || '(none)'}`;

      for (const f of parsed.failures) {
        for (const at of [f.location, ...f.related]) {
          assert.ok(
            fs.statSync(at.file, { throwIfNoEntry: false })?.isFile(),
            `a location names a file that does not exist: ${at.file}${shown}`,
          );
        }
      }
      const unmatched = [...parsed.failures];
      for (const want of spec.failures) {
        const i = unmatched.findIndex((f) => matches(root, f, want));
        assert.ok(i >= 0, `expected failure not found: ${want.at} [${want.test ?? '-'}] ${want.message ?? ''}${shown}`);
        const [f] = unmatched.splice(i, 1);
        if (want.related)
          assert.deepEqual(
            f.related.map((r) =>
              place(
                root,
                r,
                want.related!.some((x) => x.split(':').length > 2),
              ),
            ),
            want.related,
            `related locations of ${want.at}${shown}`,
          );
        if (want.expected !== undefined) assert.equal(f.expected, want.expected, `expected value of ${want.at}`);
        if (want.actual !== undefined) assert.equal(f.actual, want.actual, `actual value of ${want.at}`);
      }
      assert.deepEqual(
        unmatched.map((f) => describeFailure(root, f)),
        [],
        `failures reported that a developer would not want (false or twice)${shown}`,
      );
      if (spec.passed !== undefined) assert.equal(parsed.passed, spec.passed, 'passed count');
      if (spec.failed !== undefined) assert.equal(parsed.failed, spec.failed, 'failed count');
    });
  }
});
