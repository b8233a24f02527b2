import * as path from 'node:path';
import type { ChatRequest } from '../generation/modelClient';
import { DEFAULT_MODEL, type PromptOptions } from '../generation/prompt';
import type { TestFailure } from './parsers';

/**
 * Surgical fixes: the model answers with SEARCH/REPLACE blocks; each SEARCH must occur exactly once
 * in its file, and a fix applies whole or not at all. Every request for edits (a test fix, a
 * conformance fix) states its task and its own rules around the same answer format.
 */
export function editSystemPrompt(task: string, rules: string[]): string {
  return `${task}

Answer only with edits in this exact format, one block per change, and nothing else:

path/to/file.ext
<<<<<<< SEARCH
exact lines copied from the current file
=======
the replacement lines
>>>>>>> REPLACE

Rules:
- The path is relative to the project root, on its own line right before the block.
- SEARCH must copy the current file's lines exactly, including indentation, and must match exactly one place in the file: include enough surrounding lines to make it unique.
${rules.map((r) => `- ${r}\n`).join('')}- To create a new file, leave SEARCH empty.
- No explanations.`;
}

export const FIX_SYSTEM_PROMPT = editSystemPrompt(
  'You fix failing tests with the smallest possible change to the code.',
  [
    'Keep edits small: change only the lines that cause the failure. Do not reformat or rewrite files.',
    'The tests are the judge: fix the implementation, never the tests. Edits to test files (and new test files) are refused.',
    'The contract, when given, is the source of truth for the implementation.',
  ],
);

export interface FixRequestInput extends PromptOptions {
  failures: TestFailure[];
  root: string;
  /** The test run's output; its tail is sent. */
  output: string;
  command: string;
  /** The contract of the last generation, when known. */
  contract?: string;
  files: { path: string; content: string }[];
}

const OUTPUT_TAIL = 12_000;

export function buildFixRequest(input: FixRequestInput): ChatRequest {
  const rel = (f: string) => path.relative(input.root, f).split(path.sep).join('/');
  const failures = input.failures
    .map((f) => {
      const related = f.related.map((r) => `\n  related: ${rel(r.file)}:${r.line} ${r.message}`).join('');
      return `- ${f.test ?? 'failure'} at ${rel(f.location.file)}:${f.location.line}:${f.location.column}\n  ${f.message.replace(/\n/g, '\n  ')}${related}`;
    })
    .join('\n');
  const output = input.output.length > OUTPUT_TAIL ? `…\n${input.output.slice(-OUTPUT_TAIL)}` : input.output;
  const parts = [
    input.contract ? `## Contract\n\n${input.contract.trim()}` : undefined,
    `## Failing tests (\`${input.command}\`)\n\n${failures}`,
    `## Test output (tail)\n\n\`\`\`\n${output.trim()}\n\`\`\``,
    filesSection(input.files),
  ].filter((p) => p !== undefined);
  return editRequest(input, FIX_SYSTEM_PROMPT, parts.join('\n\n'));
}

/** The files a request for edits shows the model, each under its project-relative path. */
export function filesSection(files: { path: string; content: string }[]): string {
  const shown = files
    .map((f) => `${f.path}\n\`\`\`\n${f.content}${f.content.endsWith('\n') ? '' : '\n'}\`\`\``)
    .join('\n\n');
  return `## Current files\n\n${shown}`;
}

/** A request for SEARCH/REPLACE edits: the system prompt (unless the options replace it) and one user message. */
export function editRequest(options: PromptOptions, systemPrompt: string, user: string): ChatRequest {
  return {
    model: options.model || DEFAULT_MODEL,
    messages: [
      { role: 'system', content: options.systemPrompt ?? systemPrompt },
      { role: 'user', content: user },
    ],
    max_completion_tokens: options.maxCompletionTokens ?? 8192,
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.reasoningEffort ? { reasoning_effort: options.reasoningEffort } : {}),
  };
}
