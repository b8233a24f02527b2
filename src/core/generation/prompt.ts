import type { ReasoningEffort } from './choices';
import type { ChatRequest } from './modelClient';
import { MAX_COMPLETION_TOKENS, sizeCompletionTokens } from './quota';

export const DEFAULT_MODEL = 'gpt-oss-120b';
/**
 * The most a request asks for when nobody set a cap and the contract is large (gpt-oss-120b's free-tier
 * output limit). Smaller contracts get less: see sizeCompletionTokens (quota.ts).
 */
export const DEFAULT_MAX_COMPLETION_TOKENS = MAX_COMPLETION_TOKENS;

/**
 * The system prompt asks for `<FILE path="…">` blocks, as the speed-run plugin's Turbo MCP
 * server does, so contracts written for it keep working unchanged.
 */
export const SYSTEM_PROMPT = `You are an expert software engineer. Implement exactly what the user's contract specifies.

Output every file of the implementation in this format and nothing else:

<FILE path="relative/path/to/file.ext">
complete file content
</FILE>

Rules:
- One <FILE> block per file, with the full content of that file. No placeholders, no "rest unchanged".
- Paths are relative to the project root, use forward slashes, and never start with / or contain "..".
- Do not wrap file content in Markdown code fences.
- Use exactly the names, fields, types, routes and status codes the contract gives.
- Include the files needed to run it (for example requirements.txt, package.json, __init__.py).
- No explanations before, between or after the files.`;

export interface PromptOptions {
  model?: string;
  systemPrompt?: string;
  /** Always sent, since the service reserves it against the per-minute quota; unset: sized from the contract. */
  maxCompletionTokens?: number;
  temperature?: number;
  /** gpt-oss only; other models reject it, so it is sent only when set. */
  reasoningEffort?: ReasoningEffort;
}

export function buildChatRequest(contract: string, options: PromptOptions = {}): ChatRequest {
  return {
    model: options.model || DEFAULT_MODEL,
    messages: [
      { role: 'system', content: options.systemPrompt ?? SYSTEM_PROMPT },
      { role: 'user', content: contract },
    ],
    max_completion_tokens: options.maxCompletionTokens ?? sizeCompletionTokens(contract),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.reasoningEffort ? { reasoning_effort: options.reasoningEffort } : {}),
  };
}

/** A rough count for progress and status display: about four characters a token for code and English. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
