import { createHash } from 'node:crypto';
import * as vscode from 'vscode';

/** What one generation or fix changed on disk, kept for "Undo Last Generation" and "Review Changes". */
export interface GenerationRecord {
  kind: 'generation' | 'fix';
  created: vscode.Uri[];
  overwritten: { uri: vscode.Uri; previous: Uint8Array }[];
  /** Folders the generation had to create, deepest first once sorted by the undo. */
  createdFolders: vscode.Uri[];
  /** What it wrote into each file (SHA-256 by URI), to tell the person's later edits from its own. */
  written: Map<string, string>;
  when: Date;
  /** Set once it was undone (a notification's Undo button can outlive it). */
  undone?: boolean;
}

export const digest = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export class GenerationHistory {
  private last: GenerationRecord | undefined;
  /** The most recent generation or fix, for "Review Changes". */
  latest: GenerationRecord | undefined;

  begin(kind: GenerationRecord['kind'] = 'generation'): GenerationRecord {
    return { kind, created: [], overwritten: [], createdFolders: [], written: new Map(), when: new Date() };
  }

  commit(record: GenerationRecord): void {
    if (record.created.length === 0 && record.overwritten.length === 0) return;
    if (record.kind === 'generation') this.last = record;
    this.latest = record;
  }

  take(): GenerationRecord | undefined {
    const record = this.last;
    this.last = undefined;
    return record;
  }

  /** Accepted in a review: no longer offered for review ("Undo Last Generation" still can put it back). */
  accepted(record: GenerationRecord): void {
    if (this.latest === record) this.latest = undefined;
  }

  /** After a record was reverted: it is no longer offered. */
  forget(record: GenerationRecord): void {
    if (this.last === record) this.last = undefined;
    if (this.latest === record) this.latest = undefined;
  }
}
