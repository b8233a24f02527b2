import type { ChatRequest, ModelClient, Usage } from './modelClient';

export interface Completion {
  text: string;
  finishReason: string;
  usage: Usage | undefined;
  model: string;
}

/** Streams one answer to the end and returns its text (reasoning is left out). */
export async function completeText(
  client: ModelClient,
  request: ChatRequest,
  signal?: AbortSignal,
): Promise<Completion> {
  const parts: string[] = [];
  for await (const event of client.stream(request, { signal })) {
    if (event.type === 'content') parts.push(event.text);
    else if (event.type === 'end')
      return {
        text: parts.join(''),
        finishReason: event.finishReason,
        usage: event.usage,
        model: event.model ?? request.model,
      };
  }
  // client.stream always ends with an `end` event or throws.
  throw new Error('the stream ended without a result');
}
