import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * What is known of the files a long output names, for the folder read last: outputs name the same
 * few files thousands of times. Bounded, and started afresh for another folder.
 */
let known = { root: '', located: new Map<string, string | null>() };
const testFiles = new Map<string, boolean>();
const KNOWN_MAX = 10_000;

/** Folders of installed packages, virtual environments and toolchains: never the project's code. */
const VENDORED =
  /(^|[\\/])(node_modules|site-packages|dist-packages|\.venv|venv|__pypackages__|\.cargo|rustc|\.rustup|go[\\/]pkg[\\/]mod)([\\/]|$)/;
/** Where Go's and Rust's own sources live when a stack passes through them. */
const TOOLCHAIN =
  /^(\/usr\/(local\/)?(lib\/)?go[^/]*\/src\/|\/rustc\/|[A-Za-z]:[\\/](Program Files[\\/])?Go[\\/]src[\\/])|[\\/]lib[\\/]python\d[\d.]*[\\/]|[\\/]Python\d+[\\/]Lib[\\/]/i;

/**
 * The file of the project a runner's printed path names, as an absolute path, or undefined when no
 * such file exists there. Takes paths relative to the folder, absolute paths inside it, `file://`
 * URLs, and paths of another machine (a CI runner's `/home/runner/work/app/app/src/x.ts`, Windows'
 * `C:\\Users\\me\\app\\src\\x.js`), which are mapped into the folder by the longest suffix of their
 * parts that exists there. Frames in installed packages, the standard library or the runner itself
 * are not the project's.
 */
export function locate(root: string, printed: string): string | undefined {
  if (known.root !== root || known.located.size > KNOWN_MAX) forgetLocated(root);
  let answer = known.located.get(printed);
  if (answer === undefined) known.located.set(printed, (answer = findInProject(root, printed) ?? null));
  return answer ?? undefined;
}

/** Starts afresh: files appear and go between two runs (every parse starts with this). */
export function forgetLocated(root = ''): void {
  known = { root, located: new Map() };
}

function findInProject(root: string, printed: string): string | undefined {
  let file = printed.trim();
  if (file.startsWith('file://')) file = fromFileUrl(file);
  if (!file || /^(node:|internal[\\/]|<|\[)/.test(file) || TOOLCHAIN.test(file)) return undefined;
  const windows = /^[A-Za-z]:[\\/]|^\\\\/.test(file) || (file.includes('\\') && !file.includes('/'));
  if (!windows) {
    const abs = path.resolve(root, file);
    const rel = path.relative(root, abs);
    if (!rel.startsWith('..') && !path.isAbsolute(rel))
      return VENDORED.test(rel) ? undefined : isFile(abs) ? abs : bySuffix(root, rel);
  }
  return VENDORED.test(file) ? undefined : bySuffix(root, file);
}

/** The longest tail of the path's parts that names a file in the folder. */
function bySuffix(root: string, file: string): string | undefined {
  const parts = file.split(/[\\/]+/).filter((p) => p && p !== '.' && p !== '..' && !/^[A-Za-z]:$/.test(p));
  for (let i = 0; i < parts.length; i++) {
    const candidate = path.join(root, ...parts.slice(i));
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}

function fromFileUrl(url: string): string {
  try {
    const pathname = decodeURIComponent(new URL(url).pathname);
    return /^\/[A-Za-z]:\//.test(pathname) ? pathname.slice(1) : pathname;
  } catch {
    return '';
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

export function isTestFile(file: string): boolean {
  let answer = testFiles.get(file);
  if (answer === undefined) {
    if (testFiles.size > KNOWN_MAX) testFiles.clear();
    answer = /(^|[\\/])(tests?|__tests__|spec)[\\/]|(^|[\\/_.-])(test|spec)[^\\/]*$|_test\.(go|py)$/i.test(file);
    testFiles.set(file, answer);
  }
  return answer;
}

/** Whether a located file is a test file, judged by its path inside the folder (the folder may sit below a `test/`). */
const inFolder = { root: '', tests: new Map<string, boolean>() };
export function isTestFileIn(root: string, file: string): boolean {
  if (inFolder.root !== root || inFolder.tests.size > 10_000) {
    inFolder.root = root;
    inFolder.tests.clear();
  }
  let answer = inFolder.tests.get(file);
  if (answer === undefined) inFolder.tests.set(file, (answer = isTestFile(path.relative(root, file))));
  return answer;
}
