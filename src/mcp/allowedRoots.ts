import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnvLike } from '../core/inputs';
import { TurboError } from '../core/errors';

/**
 * Where an MCP agent may write files and run tests: the client's MCP roots when it lists any, else
 * the server's working directory, plus every folder in TURBO_ALLOWED_DIRS. Folders are compared by
 * their real paths, so a symlink inside a root that leads out counts as outside.
 */

/** TURBO_ALLOWED_DIRS: absolute, existing folders separated by the platform's path delimiter. */
export async function allowedDirsFromEnv(env: EnvLike): Promise<string[]> {
  const raw = env.TURBO_ALLOWED_DIRS ?? '';
  const dirs: string[] = [];
  // Empty entries (a trailing delimiter) are common in hand-written lists and name nothing.
  for (const entry of raw
    .split(path.delimiter)
    .map((e) => e.trim())
    .filter(Boolean)) {
    if (!path.isAbsolute(entry)) {
      throw new TurboError(
        'config',
        `TURBO_ALLOWED_DIRS lists ${JSON.stringify(entry)}, which is not an absolute path. Give absolute folders separated by "${path.delimiter}".`,
      );
    }
    const stat = await fs.stat(entry).catch(() => undefined);
    if (!stat)
      throw new TurboError(
        'config',
        `TURBO_ALLOWED_DIRS lists ${entry}, which does not exist. Create it or remove it from the list.`,
      );
    if (!stat.isDirectory())
      throw new TurboError('config', `TURBO_ALLOWED_DIRS lists ${entry}, which is not a folder.`);
    dirs.push(entry);
  }
  return dirs;
}

/** The folders of the client's `file://` roots; other schemes name nothing on this disk. */
export function rootsToPaths(roots: readonly { uri: string }[]): string[] {
  const paths: string[] = [];
  for (const root of roots) {
    if (!root.uri.startsWith('file:')) continue;
    try {
      paths.push(fileURLToPath(root.uri));
    } catch {
      // A malformed URI names no folder; leaving it out can only narrow what is allowed.
    }
  }
  return paths;
}

/**
 * The real path of `p`, resolving symlinks in the part that exists: a folder not yet created is
 * judged by where its deepest existing ancestor really is.
 */
export async function realPathOf(p: string): Promise<string> {
  const rest: string[] = [];
  let current = path.resolve(p);
  for (;;) {
    try {
      return path.join(await fs.realpath(current), ...rest.reverse());
    } catch (err) {
      const parent = path.dirname(current);
      if (parent === current || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * Resolves an agent's folder argument against `cwd` and returns its real path, or throws an error
 * that names the argument and the allowed roots. No tilde expansion: `~` would otherwise become a
 * folder literally named `~` in the working directory.
 */
export async function confine(argName: string, value: string, cwd: string, roots: readonly string[]): Promise<string> {
  const shown = roots.join(', ');
  if (value.trim() === '') throw new TurboError('config', `${argName} is empty; give a folder inside ${shown}.`);
  if (value === '~' || value.startsWith('~/') || value.startsWith('~\\')) {
    throw new TurboError(
      'config',
      `${argName} ${JSON.stringify(value)}: the server does not expand ~; give an absolute path or one relative to the working directory (${cwd}), inside ${shown}.`,
    );
  }
  const wanted = await realPathOf(path.resolve(cwd, value));
  const realRoots = await Promise.all(roots.map((r) => realPathOf(r).catch(() => undefined)));
  if (realRoots.some((r) => r !== undefined && isInside(wanted, r))) return wanted;
  throw new TurboError(
    'config',
    `${argName} ${JSON.stringify(value)} (${wanted}) is outside the allowed folders: ${shown}. Give a folder inside one of them, or add one to TURBO_ALLOWED_DIRS in the server's "env".`,
  );
}

/** How long the client gets to answer roots/list: a client that declares roots answers at once. */
const LIST_ROOTS_TIMEOUT_MS = 5000;

export interface RootsSource {
  /** The client's declared capabilities, once it has initialized. */
  clientDeclaresRoots(): boolean;
  listRoots(options: { signal?: AbortSignal; timeout: number }): Promise<{ roots: { uri: string }[] }>;
}

/**
 * The folders this call may touch. Asked per call, so a client's changed roots apply at once without
 * tracking list_changed. Declared roots replace the working directory; an empty list means the client
 * has no folder open, and the working directory applies as for a client without roots.
 */
export async function allowedRoots(
  source: RootsSource,
  cwd: string,
  extraDirs: readonly string[],
  signal?: AbortSignal,
): Promise<string[]> {
  let base = [cwd];
  if (source.clientDeclaresRoots()) {
    let listed: { uri: string }[];
    try {
      listed = (await source.listRoots({ signal, timeout: LIST_ROOTS_TIMEOUT_MS })).roots;
    } catch (err) {
      // Fails closed: falling back to the working directory could allow what the client's roots exclude.
      throw new TurboError(
        'config',
        `The MCP client declares roots but did not list them (${err instanceof Error ? err.message : String(err)}); nothing was written.`,
      );
    }
    const fromClient = rootsToPaths(listed);
    if (fromClient.length > 0) base = fromClient;
  }
  return [...base, ...extraDirs];
}
