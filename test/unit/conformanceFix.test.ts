import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CerebrasClient } from '../../src/core/generation/client';
import { TurboError } from '../../src/core/errors';
import { conformanceFiles, fixConformance } from '../../src/core/contract/conformance/fix';
import { clauseMessage, unmetClauses } from '../../src/core/contract/conformance/clauses';
import { checkConformance } from '../../src/core/contract/conformance/check';
import type { Clause, ConformanceReport } from '../../src/core/contract/conformance/types';
import { applyChangesOnDisk, readTextFile } from '../../src/core/testing/fixOnDisk';
import type { FixContext } from '../../src/core/testing/loop';
import { protectionFor } from '../../src/core/testing/protectedTests';
import { CerebrasStandIn, editBlocks } from '../standin/server';

const CONTRACT = `Build a task API with FastAPI.

## DATA CONTRACT (use exactly these models):

class Task(BaseModel):
    id: str
    title: str
    completed: bool = False

## API CONTRACT (use exactly these routes):

GET /tasks -> list[Task]      # List all tasks
DELETE /tasks/{id} -> dict    # Delete task
`;

/** The generated project with `completed` left out of Task and no DELETE route. */
const PROJECT: Record<string, string> = {
  'app/__init__.py': '',
  'app/models.py': 'from pydantic import BaseModel\n\n\nclass Task(BaseModel):\n    id: str\n    title: str\n',
  'app/main.py':
    'from fastapi import FastAPI\n\nfrom app.models import Task\n\napp = FastAPI()\ntasks: dict[str, Task] = {}\n\n\n@app.get("/tasks")\ndef list_tasks() -> list[Task]:\n    return list(tasks.values())\n',
  'README.md': '# Tasks\n',
  '.env': 'SECRET=1\n',
};

const clause = (c: Partial<Clause> & Pick<Clause, 'kind' | 'name' | 'status'>): Clause => ({
  contractLine: 1,
  detail: null,
  file: null,
  line: null,
  ...c,
});

/** What the check reports for PROJECT (written by hand: the fix takes any report). */
const REPORT: ConformanceReport = {
  clauses: [
    clause({ kind: 'model', name: 'Task', status: 'met', contractLine: 5, file: 'app/models.py', line: 4 }),
    clause({ kind: 'field', name: 'Task.id', status: 'met', contractLine: 6, file: 'app/models.py', line: 5 }),
    clause({ kind: 'field', name: 'Task.title', status: 'met', contractLine: 7, file: 'app/models.py', line: 6 }),
    clause({ kind: 'field', name: 'Task.completed', status: 'missing', contractLine: 8 }),
    clause({ kind: 'route', name: 'GET /tasks', status: 'met', contractLine: 12, file: 'app/main.py', line: 9 }),
    clause({ kind: 'route', name: 'DELETE /tasks/{id}', status: 'missing', contractLine: 13 }),
  ],
  met: 4,
  total: 6,
  filesRead: 3,
  languages: ['python'],
  frameworks: ['fastapi'],
  durationMs: 3,
};

const FIX = [
  { file: 'app/models.py', search: '    title: str\n', replace: '    title: str\n    completed: bool = False\n' },
  {
    file: 'app/main.py',
    search: '    return list(tasks.values())\n',
    replace:
      '    return list(tasks.values())\n\n\n@app.delete("/tasks/{task_id}")\ndef delete_task(task_id: str) -> dict:\n    tasks.pop(task_id)\n    return {"deleted": task_id}\n',
  },
];

describe('conformance fix: one follow-up request for the unmet clauses, through the fix engine', () => {
  const standin = new CerebrasStandIn();
  let client: CerebrasClient;
  let root: string;
  before(async () => {
    await standin.start();
    client = new CerebrasClient({ apiKey: standin.apiKey, baseUrl: standin.url, warmConnection: false });
  });
  beforeEach(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-conformfix-')));
    for (const [rel, text] of Object.entries(PROJECT)) {
      await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await fs.writeFile(path.join(root, rel), text);
    }
    standin.requests.length = 0;
    standin.clearQueue();
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));
  after(() => standin.close());

  const ctx = (extra: Partial<FixContext> = {}): FixContext => ({
    client,
    root,
    contract: CONTRACT,
    readFile: readTextFile,
    applyChanges: (changes) => applyChangesOnDisk(root, changes),
    ...extra,
  });
  const userMessage = () =>
    (standin.chatRequests[0].body as { messages: { role: string; content: string }[] }).messages[1].content;
  const systemMessage = () =>
    (standin.chatRequests[0].body as { messages: { role: string; content: string }[] }).messages[0].content;

  it('names every unmet clause with its contract line, sends the contract and the files they belong in, and applies the edits', async () => {
    standin.enqueue({ content: editBlocks(FIX, 'Adding the field and the route.\n\n') });
    const attempt = await fixConformance(ctx(), { contract: CONTRACT, report: REPORT });
    assert.deepEqual(attempt.problems, []);
    assert.deepEqual(attempt.changes, [
      { file: 'app/models.py', created: false },
      { file: 'app/main.py', created: false },
    ]);
    assert.ok(attempt.costUsd! > 0);
    assert.equal(standin.chatRequests.length, 1, 'one request for all unmet clauses');
    const sent = userMessage();
    assert.ok(sent.includes(CONTRACT.trim()), 'the whole contract');
    assert.match(sent, /- contract line 8: field Task\.completed: not found in the generated code/);
    assert.match(sent, /- contract line 13: route DELETE \/tasks\/\{id\}: not found in the generated code/);
    assert.doesNotMatch(sent, /Task\.title/, 'met clauses are not listed');
    // The missing field goes in its model's file; the missing route beside the met one.
    assert.match(sent, /app\/models\.py\n```\nfrom pydantic/);
    assert.match(sent, /app\/main\.py\n```\nfrom fastapi/);
    assert.doesNotMatch(sent, /README|SECRET|__init__/);
    assert.match(systemMessage(), /meet its contract/);
    assert.match(systemMessage(), /<<<<<<< SEARCH/);
    assert.match(await fs.readFile(path.join(root, 'app/models.py'), 'utf8'), /completed: bool = False/);
    assert.match(await fs.readFile(path.join(root, 'app/main.py'), 'utf8'), /@app\.delete\("\/tasks\/\{task_id\}"\)/);
  });

  it('end to end: the check finds the missing field and route, the fix adds them, the check then finds every clause met', async () => {
    const before = await checkConformance(CONTRACT, root);
    assert.deepEqual(
      before.clauses.filter((c) => c.status !== 'met').map((c) => `${c.contractLine} ${c.name} ${c.status}`),
      ['8 Task.completed missing', '13 DELETE /tasks/{id} missing'],
    );
    standin.enqueue({ content: editBlocks(FIX) });
    const attempt = await fixConformance(ctx(), { contract: CONTRACT, report: before });
    assert.equal(attempt.changes.length, 2);
    const after = await checkConformance(CONTRACT, root);
    assert.equal(after.met, after.total);
    assert.equal(after.total, before.total);
  });

  it('applies nothing when one edit does not apply, and says why', async () => {
    const before = await fs.readFile(path.join(root, 'app/models.py'), 'utf8');
    standin.enqueue({ content: editBlocks([FIX[0], { ...FIX[1], search: 'def missing():\n' }]) });
    const attempt = await fixConformance(ctx(), { contract: CONTRACT, report: REPORT });
    assert.deepEqual(attempt.changes, []);
    assert.match(attempt.problems.join('\n'), /app\/main\.py: the SEARCH text does not occur/);
    assert.equal(await fs.readFile(path.join(root, 'app/models.py'), 'utf8'), before);
  });

  it('refuses the whole fix when an edit touches a test file or a protected path, and changes nothing', async () => {
    await fs.mkdir(path.join(root, 'tests'));
    const test = 'from app.models import Task\n\n\ndef test_task():\n    assert Task\n';
    await fs.writeFile(path.join(root, 'tests/test_models.py'), test);
    const before = await fs.readFile(path.join(root, 'app/models.py'), 'utf8');
    const weaken = { file: 'tests/test_models.py', search: '    assert Task\n', replace: '    pass\n' };
    standin.enqueue({ content: editBlocks([FIX[0], weaken]) }, { content: editBlocks([FIX[1]]) });
    const protection = await protectionFor(root, ['app/main.py']);
    const tests = await fixConformance(ctx({ protection }), { contract: CONTRACT, report: REPORT });
    assert.deepEqual(tests.changes, []);
    assert.deepEqual(tests.problems, [
      'tests/test_models.py is a test file: the tests are the judge, so a fix may not change them',
    ]);
    const globbed = await fixConformance(ctx({ protection }), { contract: CONTRACT, report: REPORT });
    assert.deepEqual(globbed.changes, []);
    assert.match(globbed.problems[0], /^app\/main\.py is protected \("app\/main\.py" in turbo\.protectedPaths/);
    assert.equal(await fs.readFile(path.join(root, 'app/models.py'), 'utf8'), before);
    assert.equal(await fs.readFile(path.join(root, 'tests/test_models.py'), 'utf8'), test);
  });

  it('sends the source files the check reads when an unmet clause has nowhere of its own to go', async () => {
    const report: ConformanceReport = {
      ...REPORT,
      clauses: [clause({ kind: 'route', name: 'POST /reset', status: 'missing', contractLine: 14 })],
    };
    standin.enqueue({ content: editBlocks([FIX[1]]) });
    await fixConformance(ctx(), { contract: CONTRACT, report });
    const sent = userMessage();
    assert.match(sent, /app\/main\.py\n```/);
    assert.match(sent, /app\/models\.py\n```/);
    assert.doesNotMatch(sent, /README|SECRET/);
  });

  it('never sends a denied file or one outside the folder, whatever names it', async () => {
    const report: ConformanceReport = {
      ...REPORT,
      clauses: [clause({ kind: 'route', name: 'POST /reset', status: 'missing', contractLine: 14 })],
    };
    standin.enqueue({ content: editBlocks([FIX[1]]) });
    await fixConformance(ctx(), { contract: CONTRACT, report, sources: ['.env', '../outside.py', 'app/main.py'] });
    const sent = userMessage();
    assert.match(sent, /app\/main\.py\n```/);
    assert.doesNotMatch(sent, /SECRET|outside/);
  });

  it('refuses to ask when nothing is unmet (unknown clauses are not asked for) or nothing can be sent', async () => {
    const unknownOnly: ConformanceReport = {
      ...REPORT,
      clauses: [clause({ kind: 'model', name: 'Task', status: 'unknown', detail: 'no Python, TypeScript or Go code' })],
    };
    await assert.rejects(
      fixConformance(ctx(), { contract: CONTRACT, report: unknownOnly }),
      (err: unknown) => err instanceof TurboError && /nothing to fix/.test(err.message),
    );
    const nowhere: ConformanceReport = {
      ...REPORT,
      clauses: [clause({ kind: 'route', name: 'POST /reset', status: 'missing', file: '.env', line: 1 })],
    };
    await assert.rejects(
      fixConformance(ctx(), { contract: CONTRACT, report: nowhere }),
      (err: unknown) => err instanceof TurboError && /nothing to send/.test(err.message),
    );
    assert.equal(standin.chatRequests.length, 0);
  });

  it('caps the files like a test fix: a file over 100 KB is not sent', async () => {
    await fs.writeFile(path.join(root, 'app/models.py'), `# ${'x'.repeat(100_001)}\nclass Task:\n    pass\n`);
    const files = await conformanceFiles(root, REPORT, readTextFile);
    assert.deepEqual(
      files.map((f) => f.path),
      ['app/main.py'],
    );
  });
});

describe('clause messages', () => {
  it('say what is unmet, and where the code has it', () => {
    assert.equal(
      clauseMessage(clause({ kind: 'field', name: 'Task.completed', status: 'missing' })),
      'Task.completed: not found in the generated code',
    );
    assert.equal(
      clauseMessage(
        clause({
          kind: 'field',
          name: 'Task.completed',
          status: 'mismatch',
          detail: 'declared bool, found str',
          file: 'app/models.py',
          line: 12,
        }),
      ),
      'Task.completed: declared bool, found str in app/models.py:12',
    );
    assert.deepEqual(
      unmetClauses(REPORT).map((c) => c.name),
      ['Task.completed', 'DELETE /tasks/{id}'],
    );
  });
});
