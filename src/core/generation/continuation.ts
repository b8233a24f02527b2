import type { ChatRequest } from './modelClient';
import { normalizeStreamPath, pathFromInfo, pathMarker } from './answerPaths';

/**
 * Asks the model to go on after its answer was cut off. The answer so far goes back as the
 * assistant's turn, so the model sees exactly where it stopped.
 */
export function continuationRequest(base: ChatRequest, answerSoFar: string, openPath: string | undefined): ChatRequest {
  const ask = openPath
    ? `Your answer was cut off inside the file ${openPath}. Continue exactly where it stopped: send only the rest of that file, ` +
      'starting with the very next character, close the file the way it was opened, then send any files that are still missing ' +
      'in the same format. Do not repeat anything already sent.'
    : 'Your answer was cut off. Send the files that are still missing, in the same format. Do not repeat files already sent.';
  return {
    ...base,
    messages: [...base.messages, { role: 'assistant', content: answerSoFar }, { role: 'user', content: ask }],
  };
}

/**
 * Whether a continuation resumes the open file mid-content or restarts it from its opening tag (or
 * heading / fence). Undefined while the text so far cannot tell.
 */
export function classifyContinuation(text: string, openPath: string): 'resume' | 'restart' | undefined {
  const s = text.replace(/^\s+/, '');
  if (s.length === 0) return text.length > 1024 ? 'resume' : undefined;
  if (s.length < 5 && '<FILE'.startsWith(s.toUpperCase())) return undefined;
  if (/^<FILE/i.test(s)) return 'restart';
  const nl = s.indexOf('\n');
  if (nl < 0) return s.length > 1024 ? 'resume' : undefined;
  const first = s.slice(0, nl).replace(/\r$/, '');
  const fence = /^ {0,3}(?:`{3,}|~{3,})(.*)$/.exec(first);
  const named = fence ? pathFromInfo(fence[1]) : pathMarker(first);
  return named !== undefined && normalizeStreamPath(named) === openPath ? 'restart' : 'resume';
}
