import * as vscode from 'vscode';

/** What one generation changed on disk, kept so "Turbo: Undo Last Generation" can put it back. */
export interface GenerationRecord {
  created: vscode.Uri[];
  overwritten: { uri: vscode.Uri; previous: Uint8Array }[];
  /** Folders the generation had to create, deepest first once sorted by the undo. */
  createdFolders: vscode.Uri[];
  when: Date;
}

export class GenerationHistory {
  private last: GenerationRecord | undefined;

  begin(): GenerationRecord {
    return { created: [], overwritten: [], createdFolders: [], when: new Date() };
  }

  commit(record: GenerationRecord): void {
    if (record.created.length > 0 || record.overwritten.length > 0) this.last = record;
  }

  take(): GenerationRecord | undefined {
    const record = this.last;
    this.last = undefined;
    return record;
  }
}
