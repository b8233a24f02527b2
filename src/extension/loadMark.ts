import * as vscode from 'vscode';

/** When `require('vscode')` has returned (VS Code builds the API object for the extension then). */
export const vscodeLoadedAt = (void vscode.version, performance.now());
