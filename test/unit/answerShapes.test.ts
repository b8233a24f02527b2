import * as assert from 'node:assert/strict';
import { FileStreamParser, type ParsedFile } from '../../src/core/generation/fileParser';

/** Every case whole and in every chunk size, so paths, comments and fences are split anywhere. */
function check(name: string, text: string, expected: ParsedFile[]) {
  it(name, () => {
    for (const size of [text.length, 1, 2, 3, 5, 7, 11, 16, 64]) {
      const parser = new FileStreamParser();
      const files: ParsedFile[] = [];
      for (let i = 0; i < text.length; i += size) files.push(...parser.push(text.slice(i, i + size)));
      const end = parser.finish();
      assert.deepEqual([...files, ...end.files], expected, `chunk size ${size}`);
      assert.equal(end.unfinished, undefined, `chunk size ${size}`);
    }
  });
}

describe('FileStreamParser: the shapes of published answers', () => {
  check(
    'a bare path line, [path], a list item, and a bold path whose prose ends with a colon',
    'src/app.py\n```python\na = 1\n```\nindex.html:\n\n```html\n<p>\n```\n[id].jsx\n```\nb\n```\n1. `c.py`:\n```\nc\n```\n2. **d.css**: Style it like this:\n```css\nd\n```\n',
    [
      { path: 'src/app.py', content: 'a = 1\n' },
      { path: 'index.html', content: '<p>\n' },
      { path: '[id].jsx', content: 'b\n' },
      { path: 'c.py', content: 'c\n' },
      { path: 'd.css', content: 'd\n' },
    ],
  );

  check(
    'a comment line naming the path before a block',
    '<!-- src/a.html -->\n```html\n<p>\n```\n<!--b.css-->\n```css\np {}\n```\n// c.ts\n```ts\nc;\n```\n',
    [
      { path: 'src/a.html', content: '<p>\n' },
      { path: 'b.css', content: 'p {}\n' },
      { path: 'c.ts', content: 'c;\n' },
    ],
  );

  check(
    'a list of files, a version, or prose before a block does not name it',
    '- `main.py`: the entry point\n```bash\npython main.py\n```\nv1.2\n```\nx\n```\nSee app.py:\n```\ny\n```\n',
    [],
  );

  check(
    'a block named by its first-line comment: the comment is a label and is not written',
    '```python\n# src/app.py\na = 1\n```\n```ts\n// filepath: src/app.ts\nexport {};\n```\n```sql\n-- schema.sql\ncreate table t (id int);\n```\n```html\n<!-- index.html -->\n<!DOCTYPE html>\n```\n```css\n/* a.css */\np {}\n```\n',
    [
      { path: 'src/app.py', content: 'a = 1\n' },
      { path: 'src/app.ts', content: 'export {};\n' },
      { path: 'schema.sql', content: 'create table t (id int);\n' },
      { path: 'index.html', content: '<!DOCTYPE html>\n' },
      { path: 'a.css', content: 'p {}\n' },
    ],
  );

  check(
    'a first-line comment that repeats the named path is dropped; others, shebangs and Markdown headings stay',
    '**package.json**\n```json\n// package.json\n{}\n```\n**b.py**\n```\n# other/c.py\n```\n```sh\n#!/bin/sh\necho\n```\n```markdown\n# README.md\n```\n```python\n# add two numbers\n```\n',
    [
      { path: 'package.json', content: '{}\n' },
      { path: 'b.py', content: '# other/c.py\n' },
    ],
  );

  const readme = '# App\n\nLayout:\n```\nsrc/\n  app.py\n```\nRun:\n```bash\npython -m app\n```\n';
  check(
    'a Markdown file with an untagged inner block ends at the bare fence right before the next file',
    `**README.md**\n\`\`\`markdown\n${readme}\`\`\`\n\n**src/app.py**\n\`\`\`python\na = 1\n\`\`\`\n### docs/b.md\n\`\`\`md\n${readme}\`\`\`\n`,
    [
      { path: 'README.md', content: readme },
      { path: 'src/app.py', content: 'a = 1\n' },
      { path: 'docs/b.md', content: readme },
    ],
  );

  check(
    'a Markdown file closed by its first bare fence when prose or a tagged block follows it',
    '**a.md**\n```md\n# A\n```\nThat is the readme.\n**b.md**\n```md\n# B\n```\nInstall:\n```bash\nnpm i\n```\n```js\n// c.js\nc();\n```\n**d.md**\n```md\n# D\n```\nDone.',
    [
      { path: 'a.md', content: '# A\n' },
      { path: 'b.md', content: '# B\n' },
      { path: 'c.js', content: 'c();\n' },
      { path: 'd.md', content: '# D\n' },
    ],
  );

  it('emits a Markdown file after a bare fence only once what follows shows where it ends', () => {
    const parser = new FileStreamParser();
    assert.deepEqual(parser.push('**R.md**\n```md\n# R\n```\n'), []);
    assert.equal(parser.currentPath, 'R.md');
    assert.deepEqual(parser.push('tree\n```\n```\n\n'), []);
    assert.deepEqual(parser.push('<FILE path="x.txt">\nx\n</FILE>'), [
      { path: 'R.md', content: '# R\n```\ntree\n```\n' },
      { path: 'x.txt', content: 'x\n' },
    ]);
    assert.deepEqual(parser.finish(), { files: [], unfinished: undefined });
  });

  check(
    'a Markdown file whose closing fence is the last thing sent, without a line break',
    '**R.md**\n```md\n# R\n```',
    [{ path: 'R.md', content: '# R\n' }],
  );

  check(
    'a Markdown file whose last bare fence ends the answer without a line break',
    '**R.md**\n```md\n# R\n```\ntree\n```\n```',
    [{ path: 'R.md', content: '# R\n```\ntree\n```\n' }],
  );

  it('does not write a SEARCH/REPLACE edit as a whole file, and says so', () => {
    const parser = new FileStreamParser();
    const files = parser.push('aider/args.py\n```python\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n');
    assert.deepEqual([...files, ...parser.finish().files], []);
    assert.match(parser.warnings.join('\n'), /aider\/args\.py: the answer sent a SEARCH\/REPLACE edit/);
  });
});
