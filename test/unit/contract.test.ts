import * as assert from 'node:assert/strict';
import { parseContract, typeNames } from '../../src/core/contract/language';
import { checkContract } from '../../src/core/contract/checks';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const EXAMPLE = readFileSync(path.resolve(__dirname, '../../media/templates/fastapi.contract.md'), 'utf8');
const codes = (text: string) => checkContract(text).map((i) => i.code);

describe('contract parser', () => {
  it('reads sections, models with fields, and routes from the seed-style example', () => {
    const doc = parseContract(EXAMPLE);
    assert.deepEqual(
      doc.sections.map((s) => s.kind),
      ['data', 'api', 'rules'],
    );
    assert.deepEqual(
      doc.models.map((m) => [m.name, m.language, m.fields.map((f) => `${f.name}:${f.type}`)]),
      [
        ['Task', 'python', ['id:str', 'title:str', 'completed:bool']],
        ['TaskCreate', 'python', ['title:str']],
      ],
    );
    assert.deepEqual(
      doc.routes.map((r) => [r.method, r.path, r.returnType, r.comment]),
      [
        ['POST', '/tasks', 'Task', 'Create task'],
        ['GET', '/tasks', 'list[Task]', 'List all tasks'],
        ['DELETE', '/tasks/{id}', 'dict', 'Delete task'],
        ['POST', '/reset', 'dict', 'Reset state (for testing)'],
      ],
    );
    const api = doc.sections[1];
    assert.equal(doc.routes[0].span.line > api.heading.line && doc.routes[3].span.line <= api.endLine, true);
    const get = doc.routes[1];
    assert.equal(EXAMPLE.split('\n')[get.span.line].slice(get.typeSpan!.start, get.typeSpan!.end), 'list[Task]');
  });

  it('reads TypeScript interfaces and Go structs, in fences or not', () => {
    const doc = parseContract(
      '## DATA CONTRACT\n```ts\nexport interface User {\n  id: string;\n  name?: string;\n  tags: string[];\n}\ntype Page = {\n  items: User[];\n};\n```\n' +
        'type Order struct {\n\tID string `json:"id"`\n\tTotal float64\n}\n',
    );
    assert.deepEqual(
      doc.models.map((m) => [m.name, m.language, m.fields.map((f) => `${f.name}:${f.type}`)]),
      [
        ['User', 'typescript', ['id:string', 'name:string', 'tags:string[]']],
        ['Page', 'typescript', ['items:User[]']],
        ['Order', 'go', ['ID:string', 'Total:float64']],
      ],
    );
  });

  it('places the name of a model after its keyword, also when the keyword contains it', () => {
    const doc = parseContract(
      '## DATA CONTRACT\n```\nclass a(BaseModel):\n    x: int\n```\n```go\ntype t struct {\n\tX int\n}\n```\n```ts\ninterface e {\n  x: number;\n}\ntype y = {\n  x: number;\n};\n```\n',
    );
    assert.deepEqual(
      doc.models.map((m) => [m.name, m.span.start, m.span.end]),
      [
        ['a', 6, 7],
        ['t', 5, 6],
        ['e', 10, 11],
        ['y', 5, 6],
      ],
    );
  });

  it('finds model names in return types', () => {
    assert.deepEqual(typeNames('list[Task]'), ['Task']);
    assert.deepEqual(typeNames('Promise<Array<User>>'), ['User']);
    assert.deepEqual(typeNames('dict[str, Order] | None'), ['Order']);
    assert.deepEqual(typeNames('Optional[dict]'), []);
  });

  it('never throws on hostile input: huge files, binary garbage, 10k sections', () => {
    const huge = 'POST /x -> Y\n'.repeat(200_000) + 'x'.repeat(5_000_000);
    const started = Date.now();
    assert.equal(parseContract(huge).routes.length, 200_000);
    assert.ok(Date.now() - started < 10_000);
    let garbage = '';
    for (let i = 0; i < 200_000; i++) garbage += String.fromCharCode((i * 7919) % 65536);
    assert.doesNotThrow(() => checkContract(garbage));
    const many = Array.from({ length: 10_000 }, (_, i) => `## Section ${i}\ntext ${i}\n`).join('');
    const doc = parseContract(many);
    assert.equal(doc.sections.length, 10_000);
    assert.equal(doc.sections[9_999].endLine, doc.lines - 1);
    assert.doesNotThrow(() => checkContract('```\nunclosed fence\nclass A:\n  x\n'));
    assert.doesNotThrow(() => checkContract('class\n## \nGET\nPOST /\n-> \n[\n]'));
  });
});

describe('contract checks', () => {
  it('the seed-style example is clean', () => {
    assert.deepEqual(checkContract(EXAMPLE), []);
  });

  it('an empty contract says so', () => {
    assert.deepEqual(codes(''), ['empty-contract']);
    assert.deepEqual(codes('## DATA CONTRACT\n\n## RULES\n'), ['empty-contract']);
  });

  it('the untouched Blank template, comments and placeholders alone are an empty contract', () => {
    const blank = readFileSync(path.resolve(__dirname, '../../media/templates/blank.contract.md'), 'utf8');
    assert.deepEqual(codes(blank), ['empty-contract']);
    assert.deepEqual(codes('Build [what]\n\n<!-- the models\ngo here -->\n## RULES:\n\n- \n1. \n- [a rule]\n'), [
      'empty-contract',
    ]);
    for (const said of [
      'Build a CLI that counts words.',
      'Fizzbuzz',
      '- Store data in memory',
      '<!-- note --> Build a thing',
      '1. Read the file',
    ]) {
      assert.equal(parseContract(blank.replace('- \n', `${said}\n`)).hasBody, true, said);
    }
    assert.equal(parseContract(blank.replace('Build ', 'Build a word counter')).hasBody, true);
  });

  it('a service without DATA, API or RULES sections gets one warning for each missing one', () => {
    const issues = checkContract('Build a FastAPI service.\n\nPOST /tasks -> dict\n');
    assert.deepEqual(
      issues.map((i) => [i.code, i.section]),
      [
        ['missing-section', 'data'],
        ['missing-section', 'api'],
        ['missing-section', 'rules'],
      ],
    );
    assert.deepEqual(
      codes('Write a function that reverses a string.\n'),
      [],
      'a library contract needs no API section',
    );
  });

  it('flags unfilled placeholders but not types, links or checkboxes', () => {
    const text =
      '## RULES\n- Store data in [storage mechanism]\n- Build [X] with care\n- see [docs](http://x)\n- [ ] todo\n- returns list[Task]\n';
    const issues = checkContract(text).filter((i) => i.code === 'placeholder');
    assert.deepEqual(
      issues.map((i) => [i.span.line, text.split('\n')[i.span.line].slice(i.span.start, i.span.end)]),
      [
        [1, '[storage mechanism]'],
        [2, '[X]'],
      ],
    );
  });

  it('does not flag brackets in inline code or fenced code as placeholders', () => {
    const text =
      '## RULES\n- Ids match `^[a-z0-9]+$` and ``[A-Z]`` here\n- Store data in [storage mechanism]\n```\nexample [not a placeholder]\n```\n- and `[unclosed [X]\n';
    const issues = checkContract(text).filter((i) => i.code === 'placeholder');
    assert.deepEqual(
      issues.map((i) => text.split('\n')[i.span.line].slice(i.span.start, i.span.end)),
      ['[storage mechanism]', '[X]'],
    );
  });

  it('flags a route whose return type is not declared, at the type', () => {
    const text = EXAMPLE.replace('GET /tasks -> list[Task]', 'GET /tasks -> list[Taks]');
    const issue = checkContract(text).find((i) => i.code === 'undeclared-type');
    assert.ok(issue);
    assert.equal(issue.model, 'Taks');
    assert.equal(text.split('\n')[issue.span.line].slice(issue.span.start, issue.span.end), 'Taks');
  });

  it('flags a duplicate route, whatever the parameter names', () => {
    const text = EXAMPLE.replace('POST /reset -> dict', 'POST /reset -> dict\nDELETE /tasks/{task_id} -> dict');
    const dup = checkContract(text).filter((i) => i.code === 'duplicate-route');
    assert.equal(dup.length, 1);
    assert.match(dup[0].message, /DELETE \/tasks\/\{task_id\}.*also on line/);
    assert.equal(
      text.split('\n')[dup[0].other!.line],
      'DELETE /tasks/{id} -> dict    # Delete task',
      'the quick fix can go to the first one',
    );
  });

  it('flags a model field without a type', () => {
    const text = EXAMPLE.replace('    completed: bool = False', '    completed');
    const issue = checkContract(text).find((i) => i.code === 'field-without-type');
    assert.match(issue!.message, /Task\.completed has no type/);
  });
});
