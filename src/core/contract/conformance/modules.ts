/**
 * Which file an import names, per language: Python modules (relative `.routers.tasks` and absolute
 * `app.routers.tasks`, also below a `src/` layout), relative TypeScript/JavaScript specifiers, and Go
 * import paths through go.mod (a Go import names every file of a package folder).
 */
import * as path from 'node:path';
import type { CodeLanguage } from './types';

const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

export class ModuleMap {
  private readonly byDir = new Map<string, string[]>();

  constructor(
    private readonly files: ReadonlySet<string>,
    private readonly goModules: readonly { module: string; dir: string }[],
  ) {
    for (const f of files) {
      const dir = dirOf(f);
      const list = this.byDir.get(dir) ?? [];
      list.push(f);
      this.byDir.set(dir, list);
    }
  }

  /** The files `module`, imported from `from`, names; empty when it is outside the folder (a package). */
  resolve(from: string, module: string, language: CodeLanguage): string[] {
    if (language === 'python') return this.python(from, module);
    if (language === 'go') return this.go(module);
    return this.typescript(from, module);
  }

  /**
   * Whether an import that names no file here is a package from outside: a bare TypeScript specifier, a
   * Python module that is not relative, a Go path outside every go.mod module (only when there is a go.mod).
   */
  isPackage(module: string, language: CodeLanguage): boolean {
    if (language === 'typescript') return !module.startsWith('.');
    if (language === 'python') return !module.startsWith('.');
    return (
      this.goModules.length > 0 && !this.goModules.some((m) => module === m.module || module.startsWith(`${m.module}/`))
    );
  }

  /** The other files of a Go file's package (its folder). */
  samePackage(file: string): string[] {
    return (this.byDir.get(dirOf(file)) ?? []).filter((f) => f !== file && f.endsWith('.go'));
  }

  private python(from: string, module: string): string[] {
    const dots = /^\.*/.exec(module)?.[0].length ?? 0;
    const parts = module.slice(dots).split('.').filter(Boolean);
    const bases: string[] = [];
    if (dots > 0) {
      let dir = dirOf(from);
      for (let i = 1; i < dots; i++) dir = dirOf(dir);
      bases.push(dir);
    } else {
      // An absolute module is looked for from the folder and from every folder above the importer (src layouts).
      for (let dir = dirOf(from); ; dir = dirOf(dir)) {
        bases.push(dir);
        if (dir === '') break;
      }
    }
    for (const base of bases) {
      const stem = [base, ...parts].filter(Boolean).join('/');
      for (const candidate of [`${stem}.py`, `${stem}/__init__.py`]) if (this.files.has(candidate)) return [candidate];
    }
    return [];
  }

  private typescript(from: string, module: string): string[] {
    if (!module.startsWith('./') && !module.startsWith('../')) return [];
    const joined = path.posix.normalize(path.posix.join(dirOf(from), module));
    if (joined.startsWith('..')) return [];
    // ESM TypeScript imports name the emitted file: './routes/tasks.js' is ./routes/tasks.ts.
    const stem = joined.replace(/\.(m|c)?jsx?$/, '');
    const candidates = [
      joined,
      ...TS_EXTENSIONS.map((e) => `${stem}${e}`),
      ...TS_EXTENSIONS.map((e) => `${joined}/index${e}`),
    ];
    const found = candidates.find((c) => this.files.has(c));
    return found ? [found] : [];
  }

  private go(importPath: string): string[] {
    for (const { module, dir } of this.goModules) {
      if (importPath !== module && !importPath.startsWith(`${module}/`)) continue;
      const sub = importPath.slice(module.length + 1);
      const target = [dir, sub].filter(Boolean).join('/');
      return (this.byDir.get(target) ?? []).filter((f) => f.endsWith('.go'));
    }
    return [];
  }
}

export function dirOf(file: string): string {
  const at = file.lastIndexOf('/');
  return at < 0 ? '' : file.slice(0, at);
}
