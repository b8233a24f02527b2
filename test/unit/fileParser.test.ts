import * as assert from 'node:assert/strict';
import { FileStreamParser, normalizeStreamPath, type ParsedFile } from '../../src/core/fileParser';

function parseInChunks(text: string, size: number): { files: ParsedFile[]; unfinished: ReturnType<FileStreamParser['finish']> } {
  const parser = new FileStreamParser();
  const files: ParsedFile[] = [];
  for (let i = 0; i < text.length; i += size) files.push(...parser.push(text.slice(i, i + size)));
  return { files, unfinished: parser.finish() };
}

const tricky = [
  'Here are the files:\n\n',
  '<FILE path="app/main.py">\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\tindented\t\ntrailing   \n</FILE>\n',
  'Some prose with a < sign and <b>html</b> between files.\n',
  "<FILE path='app/__init__.py'>\n</FILE>\n",
  '<FILE  path = "README.md" >\n# Title\n\n```python\nprint("</FI")\n```\nno final newline</FILE>',
  '<FILE path="win.txt">\r\nline1\r\nline2\r\n</FILE>\nThat is all.',
].join('');

const expected: ParsedFile[] = [
  { path: 'app/main.py', content: 'from fastapi import FastAPI\n\napp = FastAPI()\n\tindented\t\ntrailing   \n' },
  { path: 'app/__init__.py', content: '' },
  { path: 'README.md', content: '# Title\n\n```python\nprint("</FI")\n```\nno final newline' },
  { path: 'win.txt', content: 'line1\r\nline2\r\n' },
];

describe('FileStreamParser', () => {
  it('keeps content byte for byte: final newline, tabs, trailing spaces, CRLF, empty files', () => {
    const { files, unfinished } = parseInChunks(tricky, tricky.length);
    assert.deepEqual(files, expected);
    assert.equal(unfinished, undefined);
  });

  it('gives the same files whatever the chunk boundaries', () => {
    for (const size of [1, 2, 3, 5, 7, 16, 64, 1000]) {
      assert.deepEqual(parseInChunks(tricky, size).files, expected, `chunk size ${size}`);
    }
  });

  it('emits each file as soon as its closing tag arrives', () => {
    const parser = new FileStreamParser();
    assert.deepEqual(parser.push('<FILE path="a.txt">\nA\n</FI'), []);
    assert.equal(parser.currentPath, 'a.txt');
    assert.deepEqual(parser.push('LE>\n<FILE path="b.txt">\nB'), [{ path: 'a.txt', content: 'A\n' }]);
    assert.equal(parser.currentPath, 'b.txt');
  });

  it('reports a file the stream cut off and never returns it as finished', () => {
    const { files, unfinished } = parseInChunks('<FILE path="a.txt">\nA\n</FILE>\n<FILE path="b.txt">\nhalf of b\n</FI', 4);
    assert.deepEqual(files, [{ path: 'a.txt', content: 'A\n' }]);
    assert.deepEqual(unfinished, { path: 'b.txt', partialContent: 'half of b\n</FI' });
  });

  it('ignores things that only look like an opening tag', () => {
    const text = '<FILE>\n<FILEpath="x">\n<FILE path="no-close\n<FILE path="ok.txt">\nok\n</FILE>';
    assert.deepEqual(parseInChunks(text, 3).files, [{ path: 'ok.txt', content: 'ok\n' }]);
  });

  it('does not buffer without bound when a tag never closes', () => {
    const parser = new FileStreamParser();
    parser.push('<FILE path="' + 'x'.repeat(10_000));
    assert.deepEqual(parser.push('">\nlate\n</FILE>'), []);
  });

  it('normalises ./ prefixes, backslashes and doubled slashes', () => {
    assert.equal(normalizeStreamPath('./app/main.py'), 'app/main.py');
    assert.equal(normalizeStreamPath('app\\models\\task.py'), 'app/models/task.py');
    assert.equal(normalizeStreamPath('app//x/./y.py'), 'app/x/y.py');
    assert.equal(normalizeStreamPath(' ../evil '), '../evil');
  });

  it('is linear in the input: a 5 MB file fed a byte at a time', () => {
    const body = 'x = 1  # </FIL\n'.repeat(350_000);
    const parser = new FileStreamParser();
    const files: ParsedFile[] = [];
    const text = `<FILE path="big.py">\n${body}</FILE>`;
    for (let i = 0; i < text.length; i += 1) files.push(...parser.push(text[i]));
    assert.equal(files.length, 1);
    assert.equal(files[0].content.length, body.length);
    assert.ok(files[0].content === body);
  });
});
