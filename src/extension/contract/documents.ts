import type * as vscode from 'vscode';
import { parseContract, type ContractDoc, type Span } from '../../core/contract/language';
import * as vs from 'vscode';

export const CONTRACT_LANGUAGE = 'turbo-contract';
export const CONTRACT_SELECTOR: vscode.DocumentSelector = { language: CONTRACT_LANGUAGE };

/** Only a contract document is a contract: the contract language, or a file named `*.contract.md`. */
export function isContract(document: vscode.TextDocument): boolean {
  return document.languageId === CONTRACT_LANGUAGE || /\.contract\.md$/i.test(document.uri.path);
}

const cache = new WeakMap<vscode.TextDocument, { version: number; doc: ContractDoc }>();

/** The parsed contract of a document, parsed once per version and shared by every provider. */
export function contractOf(document: vscode.TextDocument): ContractDoc {
  const hit = cache.get(document);
  if (hit && hit.version === document.version) return hit.doc;
  const doc = parseContract(document.getText());
  cache.set(document, { version: document.version, doc });
  return doc;
}

export function toRange(span: Span): vscode.Range {
  return new vs.Range(span.line, span.start, span.line, span.end);
}
