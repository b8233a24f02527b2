/**
 * The conformance check on a 200-file project (Python FastAPI, TypeScript Express and Go net/http side by
 * side, every file a model or a router), after the grammars are loaded; and the one-time grammar load.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkConformance } from '../src/core/contract/conformance/check';
import { loadGrammars } from '../src/core/contract/conformance/grammars';
import type { Row } from './answerParser';

const PER_LANGUAGE = 33;

function project(): { files: Record<string, string>; contract: string } {
  const files: Record<string, string> = {
    'app/main.py':
      'from fastapi import FastAPI\nfrom app.routers import r0\n\napp = FastAPI()\napp.include_router(r0.router)\n',
    'src/app.ts':
      "import express from 'express';\nimport r0 from './routes/r0';\n\nconst app = express();\napp.use('/ts', r0);\n",
    'go.mod': 'module example.com/bench\n\ngo 1.22\n',
    'main.go':
      'package main\n\nimport "net/http"\n\nfunc main() {\n\tmux := http.NewServeMux()\n\tregister(mux)\n\thttp.ListenAndServe(":8080", mux)\n}\n',
  };
  const contract = ['# Bench', '', '## DATA CONTRACT', ''];
  const routes = ['## API CONTRACT', ''];
  for (let i = 0; i < PER_LANGUAGE; i++) {
    files[`app/models/m${i}.py`] =
      `from datetime import datetime\nfrom typing import Optional\nfrom pydantic import BaseModel, Field\n\n\nclass Py${i}(BaseModel):\n    id: str\n    title: str = Field(..., min_length=1)\n    done: bool = False\n    tags: list[str] = []\n    created_at: datetime\n    note: Optional[str] = None\n`;
    files[`app/routers/r${i}.py`] =
      `from fastapi import APIRouter, HTTPException\n\nrouter = APIRouter(prefix="/py${i}")\n\n\n@router.get("/{item_id}")\ndef get_${i}(item_id: str):\n    raise HTTPException(404)\n\n\n@router.post("")\ndef create_${i}():\n    return {}\n`;
    files[`src/models/m${i}.ts`] =
      `export interface Ts${i} {\n  id: string;\n  title: string;\n  done?: boolean;\n  tags: string[];\n  createdAt: Date;\n}\n`;
    files[`src/routes/r${i}.ts`] =
      `import { Router } from 'express';\n\nconst router = Router();\nrouter.get('/ts${i}/:id', (req, res) => res.json({ id: req.params.id }));\nrouter.post('/ts${i}', (req, res) => res.status(201).json(req.body));\nexport default router;\n`;
    files[`internal/m${i}.go`] =
      `package main\n\nimport "time"\n\ntype Go${i} struct {\n\tID        string    \`json:"id"\`\n\tTitle     string    \`json:"title"\`\n\tDone      bool      \`json:"done"\`\n\tTags      []string  \`json:"tags"\`\n\tCreatedAt time.Time \`json:"created_at"\`\n}\n`;
    files[`r${i}.go`] =
      `package main\n\nimport "net/http"\n\nfunc register${i}(mux *http.ServeMux) {\n\tmux.HandleFunc("GET /go${i}/{id}", func(w http.ResponseWriter, r *http.Request) {})\n\tmux.HandleFunc("POST /go${i}", func(w http.ResponseWriter, r *http.Request) {})\n}\n`;
    if (i % 5 === 0) {
      contract.push(
        `class Py${i}(BaseModel):`,
        '    id: str',
        '    title: str',
        '    done: bool',
        '    tags: list[str]',
        '',
      );
      routes.push(`GET /py${i}/{id} -> Py${i}`, `POST /py${i} -> Py${i}`);
    }
  }
  return { files, contract: [...contract, ...routes, ''].join('\n') };
}

export async function conformanceRows(
  add: (row: Row) => void,
  quick: boolean,
  median: (xs: number[]) => number,
): Promise<void> {
  let t = performance.now();
  await loadGrammars();
  add({
    section: 'conformance',
    name: 'load the runtime and 4 grammars (once per process)',
    value: performance.now() - t,
    unit: 'ms',
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-bench-conformance-'));
  try {
    const { files, contract } = project();
    for (const [rel, text] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await fs.writeFile(path.join(dir, rel), text);
    }
    const sources = Object.keys(files).filter((f) => !f.endsWith('.mod')).length;
    const times: number[] = [];
    let report = await checkConformance(contract, dir);
    for (let r = 0; r < (quick ? 3 : 9); r++) {
      t = performance.now();
      report = await checkConformance(contract, dir);
      times.push(performance.now() - t);
    }
    if (report.filesRead !== sources) throw new Error(`the check read ${report.filesRead} of ${sources} files`);
    if (report.met !== report.total) throw new Error(`the bench project meets ${report.met}/${report.total} clauses`);
    const ms = median(times);
    add({
      section: 'conformance',
      name: `check a ${sources}-file project (${report.total} clauses)`,
      value: ms,
      unit: 'ms',
      target: '< 200',
      ok: ms < 200,
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
