import * as assert from 'node:assert/strict';
import { normalizeStreamPath, pathFromInfo, pathMarker } from '../../src/core/generation/answerPaths';
import {
  FileStreamParser,
  stripWrappingFence,
  type ParsedFile,
  type UnfinishedFile,
} from '../../src/core/generation/fileParser';

function parse(text: string, size = text.length || 1): { files: ParsedFile[]; unfinished: UnfinishedFile | undefined } {
  const parser = new FileStreamParser();
  const files: ParsedFile[] = [];
  for (let i = 0; i < text.length; i += size) files.push(...parser.push(text.slice(i, i + size)));
  const end = parser.finish();
  return { files: [...files, ...end.files], unfinished: end.unfinished };
}

const SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 16, 17, 31, 64, 100, 1000];

/** Every case is checked whole and in every chunk size, so tags, fences and markers split anywhere. */
function check(name: string, text: string, expected: ParsedFile[], unfinished?: UnfinishedFile) {
  it(name, () => {
    for (const size of [text.length || 1, ...SIZES]) {
      const got = parse(text, size);
      assert.deepEqual(got.files, expected, `chunk size ${size}`);
      if (unfinished) assert.deepEqual(got.unfinished, unfinished, `chunk size ${size}`);
      else assert.equal(got.unfinished, undefined, `chunk size ${size}`);
    }
  });
}

describe('FileStreamParser: the <FILE> format', () => {
  check(
    'keeps content byte for byte: final newline, tabs, trailing spaces, CRLF, empty files, prose around',
    [
      'Here are the files:\n\n',
      '<FILE path="app/main.py">\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\tindented\t\ntrailing   \n</FILE>\n',
      'Some prose with a < sign and <b>html</b> between files.\n',
      "<FILE path='app/__init__.py'>\n</FILE>\n",
      '<FILE  path = "README.md" >\n# Title\n\n```python\nprint("</FI")\n```\nno final newline</FILE>',
      '<FILE path="win.txt">\r\nline1\r\nline2\r\n</FILE>\nThat is all.',
    ].join(''),
    [
      { path: 'app/main.py', content: 'from fastapi import FastAPI\n\napp = FastAPI()\n\tindented\t\ntrailing   \n' },
      { path: 'app/__init__.py', content: '' },
      { path: 'README.md', content: '# Title\n\n```python\nprint("</FI")\n```\nno final newline' },
      { path: 'win.txt', content: 'line1\r\nline2\r\n' },
    ],
  );

  check(
    'strips a code fence wrapped inside the tags and keeps the final newline',
    '<FILE path="a.py">\n```python\nprint(1)\n\n```\n</FILE>\n<FILE path="b.ts">\n~~~ts\nlet x = 1;\n~~~</FILE>\n<FILE path="empty.py">\n```\n```\n</FILE>',
    [
      { path: 'a.py', content: 'print(1)\n\n' },
      { path: 'b.ts', content: 'let x = 1;\n' },
      { path: 'empty.py', content: '' },
    ],
  );

  check(
    'keeps a Markdown file whose content merely contains fences',
    '<FILE path="docs/guide.md">\n# Guide\n\n```sh\nnpm test\n```\n</FILE>',
    [{ path: 'docs/guide.md', content: '# Guide\n\n```sh\nnpm test\n```\n' }],
  );

  check(
    'accepts a lowercase closing tag and a one-line file',
    '<FILE path="a.txt">A</file><FILE path="b.txt">B</FILE>',
    [
      { path: 'a.txt', content: 'A' },
      { path: 'b.txt', content: 'B' },
    ],
  );

  check(
    'reports a tagged file the stream cut off and never emits it',
    '<FILE path="a.txt">\nA\n</FILE>\n<FILE path="b.txt">\nhalf of b\n</FI',
    [{ path: 'a.txt', content: 'A\n' }],
    { path: 'b.txt', partialContent: 'half of b\n</FI' },
  );

  check(
    'ignores things that only look like an opening tag',
    '<FILE>\n<FILEpath="x">\n<FILE path="no-close\n<FILE path="ok.txt">\nok\n</FILE>',
    [{ path: 'ok.txt', content: 'ok\n' }],
  );

  check(
    'skips <think> blocks, even ones that contain tags',
    '<think>\nmaybe <FILE path="bad.txt">\nno\n</FILE>\n</think>\n<FILE path="good.txt">\nyes\n</FILE>',
    [{ path: 'good.txt', content: 'yes\n' }],
  );

  it('emits each file as soon as its closing tag arrives', () => {
    const parser = new FileStreamParser();
    assert.deepEqual(parser.push('<FILE path="a.txt">\nA\n</FI'), []);
    assert.equal(parser.currentPath, 'a.txt');
    assert.deepEqual(parser.push('LE>\n<FILE path="b.txt">\nB'), [{ path: 'a.txt', content: 'A\n' }]);
    assert.equal(parser.currentPath, 'b.txt');
  });

  it('keeps every UTF-16 unit when fed one character at a time: pairs split at any boundary, lone halves, a BOM', () => {
    // Pieces of one character are buffered as code units, 1,024 at a time: place pairs across that
    // boundary, and lone halves (which a decoder would turn into U+FFFD) before and after it.
    for (const lead of [0, 1, 1021, 1022, 1023, 1024, 2047]) {
      const content = '\uFEFF' + 'x'.repeat(lead) + '😀é\uD800 ok \uDC00' + '😀'.repeat(700) + 'end\n';
      const got = parse(`<FILE path="u.txt">\n${content}</FILE>\n<FILE path="v.txt">\n\uFEFFsecond\n</FILE>`, 1);
      assert.equal(got.files.length, 2);
      assert.ok(got.files[0].content === content, `lead ${lead}: content differs`);
      assert.equal(got.files[1].content, '\uFEFFsecond\n');
    }
    // The same file in mixed piece sizes: single characters and longer pieces interleaved.
    const content = 'a😀'.repeat(3000) + '\n';
    const text = `<FILE path="m.txt">\n${content}</FILE>`;
    const parser = new FileStreamParser();
    const files: ParsedFile[] = [];
    for (let i = 0, step = 1; i < text.length; i += step, step = (step % 5) + 1)
      files.push(...parser.push(text.slice(i, i + step)));
    files.push(...parser.finish().files);
    assert.deepEqual(files, [{ path: 'm.txt', content }]);
  });

  it('reports what arrived of a file cut off mid-stream, fed one character at a time', () => {
    const got = parse('<FILE path="cut.txt">\n' + 'y'.repeat(5000) + '😀', 1);
    assert.deepEqual(got.files, []);
    assert.deepEqual(got.unfinished, { path: 'cut.txt', partialContent: 'y'.repeat(5000) + '😀' });
  });
});

describe('FileStreamParser: Markdown answers', () => {
  check(
    '### FILE: path headings followed by fenced blocks',
    'Implementation:\n\n### FILE: app/main.py\n```python\nimport os\n\tx = 1  \n```\n\n### FILE: `app/models.py`\n\n```python\nclass A: ...\n```\n',
    [
      { path: 'app/main.py', content: 'import os\n\tx = 1  \n' },
      { path: 'app/models.py', content: 'class A: ...\n' },
    ],
  );

  check(
    'bold and backticked path lines, a heading that is a path, and a "File:" line',
    '**app/main.py**\n\n```python\na = 1\n```\n`app/util.py`:\n```python\nb = 2\n```\n## src/index.ts\n```ts\nexport {};\n```\nFile: Makefile\n```make\nall:\n\techo hi\n```\n',
    [
      { path: 'app/main.py', content: 'a = 1\n' },
      { path: 'app/util.py', content: 'b = 2\n' },
      { path: 'src/index.ts', content: 'export {};\n' },
      { path: 'Makefile', content: 'all:\n\techo hi\n' },
    ],
  );

  check(
    'a path in the fence info string',
    '```python title="app/main.py"\nprint(1)\n```\n```python:app/util.py\nprint(2)\n```\n```js {file=web/app.js}\nrun();\n```\n```app/raw.txt\nraw\n```\n',
    [
      { path: 'app/main.py', content: 'print(1)\n' },
      { path: 'app/util.py', content: 'print(2)\n' },
      { path: 'web/app.js', content: 'run();\n' },
      { path: 'app/raw.txt', content: 'raw\n' },
    ],
  );

  check(
    'nested fences inside a Markdown file, with a longer outer fence or the same length',
    '### FILE: README.md\n````markdown\n# T\n```sh\nrun\n```\n````\n**docs/b.md**\n```markdown\n# B\n\n```sh\nnpm i\n```\n\nend\n```\n',
    [
      { path: 'README.md', content: '# T\n```sh\nrun\n```\n' },
      { path: 'docs/b.md', content: '# B\n\n```sh\nnpm i\n```\n\nend\n' },
    ],
  );

  check('empty files in a fenced block', '**app/__init__.py**\n```python\n```\n', [
    { path: 'app/__init__.py', content: '' },
  ]);

  check(
    'code blocks without a path, and a marker followed by prose, are not files',
    'Install it:\n```bash\npip install fastapi\n```\n**Note.**\n**app/x.py**\nThen some words.\n```python\nnot a file\n```\n',
    [],
  );

  check('CRLF answers keep CRLF content', '**a.txt**\r\n```\r\nx\r\ny\r\n```\r\n', [
    { path: 'a.txt', content: 'x\r\ny\r\n' },
  ]);

  check('a fence closed by the end of the stream is complete', '**a.txt**\n```\nx\n```', [
    { path: 'a.txt', content: 'x\n' },
  ]);

  check('a fenced file cut off by the end of the stream is unfinished', '**a.txt**\n```\nx\ny', [], {
    path: 'a.txt',
    partialContent: 'x\ny',
  });

  check('mixed formats in one answer', '<FILE path="a.txt">\nA\n</FILE>\n### FILE: b.txt\n```\nB\n```\n', [
    { path: 'a.txt', content: 'A\n' },
    { path: 'b.txt', content: 'B\n' },
  ]);
});

describe('FileStreamParser: paths and limits', () => {
  it('normalises ./ prefixes, backslashes and doubled slashes', () => {
    assert.equal(normalizeStreamPath('./app/main.py'), 'app/main.py');
    assert.equal(normalizeStreamPath('app\\models\\task.py'), 'app/models/task.py');
    assert.equal(normalizeStreamPath('app//x/./y.py'), 'app/x/y.py');
    assert.equal(normalizeStreamPath(' ../evil '), '../evil');
    assert.deepEqual(parse('<FILE path=".\\app\\x.py">\nx\n</FILE>').files, [{ path: 'app/x.py', content: 'x\n' }]);
    assert.deepEqual(parse('### FILE: ./app/y.py\n```\ny\n```\n').files, [{ path: 'app/y.py', content: 'y\n' }]);
  });

  it('reads paths from info strings and marker lines, and nothing else', () => {
    assert.equal(pathFromInfo('python'), undefined);
    assert.equal(pathFromInfo('c++'), undefined);
    assert.equal(pathFromInfo('python title="a/b.py"'), 'a/b.py');
    assert.equal(pathFromInfo("ts filename='x.ts'"), 'x.ts');
    assert.equal(pathMarker('**Note:**'), undefined);
    assert.equal(pathMarker('### Implementation notes'), undefined);
    assert.equal(pathMarker('### FILE: app/main.py'), 'app/main.py');
    assert.equal(pathMarker('**`app/main.py`**'), 'app/main.py');
    assert.equal(pathMarker('**File: app/main.py**'), 'app/main.py');
  });

  it('strips only a fence that wraps the whole content', () => {
    assert.equal(stripWrappingFence('```py\na\n```\n'), 'a\n');
    assert.equal(stripWrappingFence('```py\na\n```\nmore\n'), '```py\na\n```\nmore\n');
    assert.equal(stripWrappingFence('````md\n```\n````'), '```\n');
    assert.equal(stripWrappingFence('```'), '```');
  });

  it('keeps reading after a 2 MB line of prose with no line break', () => {
    const parser = new FileStreamParser();
    for (let i = 0; i < 2048; i++) parser.push('<'.repeat(1024));
    assert.deepEqual(parser.push('\n<FILE path="ok.txt">\nok\n</FILE>'), [{ path: 'ok.txt', content: 'ok\n' }]);
  });

  it('is linear in the input: a 5 MB file fed a byte at a time, in both formats', () => {
    const body = 'x = 1  # </FIL ``\n'.repeat(300_000);
    for (const text of [`<FILE path="big.py">\n${body}</FILE>`, `**big.py**\n\`\`\`python\n${body}\`\`\`\n`]) {
      const parser = new FileStreamParser();
      const files: ParsedFile[] = [];
      for (let i = 0; i < text.length; i += 1) files.push(...parser.push(text[i]));
      files.push(...parser.finish().files);
      assert.equal(files.length, 1);
      assert.ok(files[0].content === body);
    }
  });
});
