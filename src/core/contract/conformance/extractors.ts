/** One extractor per language Turbo reads: tree in, facts out (see types.ts). */
import type { Node } from 'web-tree-sitter';
import { extractGo } from './go';
import { extractPython } from './python';
import type { CodeLanguage, FileFacts } from './types';

export type Extractor = (root: Node, file: string) => FileFacts;

export const EXTRACTORS: Partial<Record<CodeLanguage, Extractor>> = {
  go: extractGo,
  python: extractPython,
};
