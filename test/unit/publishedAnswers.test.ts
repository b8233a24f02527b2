import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileStreamParser, type ParsedFile } from '../../src/core/generation/fileParser';

/**
 * Multi-file model answers that other people published (code-generator logs and caches, other tools'
 * answer-parser test data), each in test/fixtures/published/answers/<case>/: `answer.txt` as published,
 * `expected/` with every file a user wants written, byte for byte (no folder: the answer writes none),
 * and `case.json` with its source.
 */
const ROOT = path.join(__dirname, '..', 'fixtures', 'published', 'answers');

interface Case {
  source: string;
  title: string;
  note?: string;
}

/** The files under `expected/`; none when the case has no such folder (an answer that must write nothing). */
function expectedFiles(dir: string, rel = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [k, v] of expectedFiles(dir, name)) out.set(k, v);
    else out.set(name, fs.readFileSync(path.join(dir, name), 'utf8'));
  }
  return out;
}

/** Feeds the answer in the given pieces, as a stream would deliver it. */
function parse(pieces: string[]): { files: ParsedFile[]; unfinished: string | undefined } {
  const parser = new FileStreamParser();
  const files: ParsedFile[] = [];
  for (const piece of pieces) files.push(...parser.push(piece));
  const end = parser.finish();
  return { files: [...files, ...end.files], unfinished: end.unfinished?.path };
}

/** Small pieces of random sizes (1 to 12 characters), the same for a given seed. */
function randomPieces(text: string, seed: number): string[] {
  const pieces: string[] = [];
  let state = seed;
  for (let i = 0; i < text.length;) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const size = 1 + (state % 12);
    pieces.push(text.slice(i, i + size));
    i += size;
  }
  return pieces;
}

function check(files: ParsedFile[], expected: Map<string, string>, how: string): void {
  const got = new Map<string, string>();
  for (const file of files) {
    assert.ok(!got.has(file.path), `${how}: ${file.path} written twice`);
    got.set(file.path, file.content);
  }
  assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), `${how}: the files written`);
  for (const [name, content] of expected)
    assert.ok(
      got.get(name) === content,
      `${how}: ${name} differs\n${JSON.stringify(got.get(name))}\n${JSON.stringify(content)}`,
    );
}

describe('Published model answers: every file a user wants, byte for byte, and nothing else', () => {
  const cases = fs.readdirSync(ROOT).filter((name) => fs.statSync(path.join(ROOT, name)).isDirectory());

  it('holds at least 8 published answers, each with its source', () => {
    assert.ok(cases.length >= 8, `${cases.length} cases`);
    for (const name of cases) {
      const meta = JSON.parse(fs.readFileSync(path.join(ROOT, name, 'case.json'), 'utf8')) as Case;
      assert.match(meta.source, /^https:\/\//, `${name}: source`);
      assert.ok(meta.title, `${name}: title`);
    }
  });

  for (const name of cases) {
    const dir = path.join(ROOT, name);
    it(name, () => {
      const answer = fs.readFileSync(path.join(dir, 'answer.txt'), 'utf8');
      const expected = expectedFiles(path.join(dir, 'expected'));
      const whole = parse([answer]);
      check(whole.files, expected, 'whole');
      assert.equal(whole.unfinished, undefined, 'whole: a file left unfinished');
      for (const pieces of [[...answer], ...[1, 2, 3, 4, 5].map((seed) => randomPieces(answer, seed))]) {
        const how = `in ${pieces.length} pieces`;
        const got = parse(pieces);
        check(got.files, expected, how);
        assert.equal(got.unfinished, undefined, `${how}: a file left unfinished`);
      }
    });
  }
});
