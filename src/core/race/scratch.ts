import * as fsSync from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { TurboError } from '../errors';
import { ioErrorText } from '../fsIo';
import { safeInline } from '../terminalText';

/**
 * Scratch copies of the output folder, one per race candidate, in the system temp folder: a candidate
 * writes and tests there, never in the person's folder. Folders of installed dependencies and build
 * caches are linked rather than copied (a copy of node_modules would take longer than the race).
 *
 * A copy, not a git worktree: a worktree holds the last commit, while the tests must judge the files
 * as they are on disk now, uncommitted edits included.
 */

/** Linked into the copy, not copied: installed dependencies and build caches, read by the tests, large. */
const LINKED = new Set(['node_modules', '.venv', 'venv', 'target', '.gradle', '.tox', '.nox', 'bower_components']);
/** Left out: version control, caches a test run rebuilds, and Turbo's own records. */
const LEFT_OUT = new Set(['.git', '.hg', '.svn', '__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache']);
/** Past these, copying the folder per candidate would cost more than it could gain: say so instead. */
export const MAX_COPIED_FILES = 20_000;
export const MAX_COPIED_BYTES = 200 * 1024 * 1024;

export const SCRATCH_PREFIX = 'turbo-race-';

/** Every scratch folder alive in this process: removed on exit, whatever ends it. */
const alive = new Set<string>();
let exitHooked = false;

function removeAllNow(): void {
  for (const dir of alive) {
    try {
      fsSync.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort: the process is ending.
    }
  }
  alive.clear();
}

export interface Scratch {
  /** The copy's root, standing in for the output folder. */
  readonly dir: string;
  remove(): Promise<void>;
}

/** What the copy will hold, measured before anything is copied. */
interface Plan {
  files: number;
  bytes: number;
  /** A pipe, socket or device: nothing a copy can hold (reading a pipe would wait for ever). */
  special?: string;
}

/** Walks `folder` as the copy will, to refuse a folder too large before copying anything. */
async function measure(folder: string): Promise<Plan> {
  const plan: Plan = { files: 0, bytes: 0 };
  const stack = [folder];
  while (stack.length) {
    const dir = stack.pop()!;
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (LEFT_OUT.has(entry.name) || (entry.isDirectory() && LINKED.has(entry.name))) continue;
      if (entry.isDirectory()) stack.push(path.join(dir, entry.name));
      else if (!entry.isFile() && !entry.isSymbolicLink()) {
        plan.special = path.relative(folder, path.join(dir, entry.name)).split(path.sep).join('/');
        return plan;
      } else {
        plan.files++;
        if (entry.isFile())
          plan.bytes += (await fs.lstat(path.join(dir, entry.name)).catch(() => undefined))?.size ?? 0;
      }
      if (plan.files > MAX_COPIED_FILES || plan.bytes > MAX_COPIED_BYTES) return plan;
    }
  }
  return plan;
}

/** Checks that the folder can be copied once per candidate; throws a TurboError saying why not. */
export async function checkCopyable(folder: string): Promise<void> {
  const plan = await measure(folder);
  if (plan.special)
    throw new TurboError(
      'io',
      `The output folder holds ${safeInline(plan.special)}, which is not a regular file (a pipe, socket or device), so it cannot be copied once per candidate. Move it out of the folder, or generate once.`,
    );
  if (plan.files > MAX_COPIED_FILES || plan.bytes > MAX_COPIED_BYTES)
    // Not 'config': the race reports it (exit 1 at the CLI), as it does any folder it cannot copy.
    throw new TurboError(
      'io',
      `The output folder holds more than ${MAX_COPIED_FILES.toLocaleString('en-US')} files or ${MAX_COPIED_BYTES / 1024 / 1024} MB (besides installed dependencies), too much to copy once per candidate. Race into a smaller folder, or generate once.`,
    );
}

/**
 * The absolute target of a relative link that leads out of `folder`, which the copy must point at
 * by its absolute path; undefined for links that stay inside (they keep pointing into the copy).
 */
function leavingTarget(folder: string, link: string): string | undefined {
  const target = fsSync.readlinkSync(link);
  if (path.isAbsolute(target)) return undefined;
  const resolved = path.resolve(path.dirname(link), target);
  const rel = path.relative(folder, resolved);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel)) ? undefined : resolved;
}

/**
 * Copies `folder` (which may not exist yet: the copy is then empty) into a new temp folder; files keep
 * their bytes and modes, links stay links, dependency folders become links to the originals.
 */
export async function createScratch(folder: string): Promise<Scratch> {
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', removeAllNow);
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), SCRATCH_PREFIX));
  alive.add(dir);
  const scratch: Scratch = {
    dir,
    remove: async () => {
      alive.delete(dir);
      await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
  try {
    const linked: string[] = [];
    const escaping: { rel: string; target: string }[] = [];
    const exists = await fs.stat(folder).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (exists)
      await fs.cp(folder, dir, {
        recursive: true,
        verbatimSymlinks: true,
        errorOnExist: false,
        force: true,
        filter: (source) => {
          const name = path.basename(source);
          if (source === folder) return true;
          if (LEFT_OUT.has(name)) return false;
          const stat = fsSync.lstatSync(source);
          if (LINKED.has(name) && stat.isDirectory()) {
            linked.push(path.relative(folder, source));
            return false;
          }
          if (stat.isSymbolicLink()) {
            const escapes = leavingTarget(folder, source);
            if (escapes) escaping.push({ rel: path.relative(folder, source), target: escapes });
          }
          return true;
        },
      });
    for (const rel of linked) await fs.symlink(path.join(folder, rel), path.join(dir, rel), 'dir');
    // Kept verbatim, `../shared` would point into the temp folder, where anyone could put a file by that name.
    for (const { rel, target } of escaping) {
      await fs.rm(path.join(dir, rel), { force: true });
      await fs.symlink(target, path.join(dir, rel));
    }
  } catch (err) {
    await scratch.remove();
    throw new TurboError('io', `Could not copy the output folder for a candidate: ${ioErrorText(err)}.`, {
      cause: err,
    });
  }
  return scratch;
}
