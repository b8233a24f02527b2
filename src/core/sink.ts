import type { ParsedFile } from './fileParser';

export type WriteOutcome =
  | { status: 'created' | 'overwritten' }
  | { status: 'skipped' | 'rejected'; reason: string };

/**
 * Where finished files go: the file system for the CLI and MCP server, a WorkspaceEdit in the
 * editor. The pipeline has already applied the pure path checks; a sink adds what depends on its
 * target (symlinks, existing files, open documents).
 */
export interface FileSink {
  write(file: ParsedFile): Promise<WriteOutcome>;
}

export type OverwritePolicy = 'always' | 'never';

export function countLines(content: string): number {
  if (content.length === 0) return 0;
  let n = 0;
  for (let i = content.indexOf('\n'); i >= 0; i = content.indexOf('\n', i + 1)) n++;
  return content.endsWith('\n') ? n : n + 1;
}
