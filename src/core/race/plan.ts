import { parseContract, type ContractDoc } from '../contract/language';
import { buildChatRequest, estimateTokens } from '../generation/prompt';
import { plannedCandidates, type RateLimit } from '../generation/quota';
import type { CandidateProgress, RaceOptions } from './types';

/** How a race is sized before it starts, and how the first answer may shrink it. */
export interface RacePlan {
  /** Candidates that may start. */
  run: number;
  /** Why fewer than asked, as a sentence; undefined when all run. */
  why: string | undefined;
  /** `max_completion_tokens` each request reserves against the per-minute quota. */
  maxCompletionTokens: number;
  /** The contract, parsed once: its models and routes are what the contract check counts. */
  contract: ContractDoc;
  /** Clauses the contract declares (models, fields, routes): 0 means there is nothing to check. */
  clauses: number;
  /** Called once the first candidate has started: may lower `run` from what its answer's headers say. */
  afterFirst(progress: CandidateProgress[], emit: () => void): Promise<void>;
}

/** The longest the other candidates wait for the first answer's headers (they normally take well under a second). */
const FIRST_HEADERS_WAIT_MS = 5000;

export async function planRace(options: RaceOptions, notice: (message: string) => void): Promise<RacePlan> {
  const contract = parseContract(options.contract);
  const clauses = contract.models.reduce((n, m) => n + 1 + m.fields.length, 0) + contract.routes.length;
  // As each candidate's request will be: the cap set by the person, else sized from the contract.
  const request = buildChatRequest(options.contract, options);
  const maxCompletionTokens = request.max_completion_tokens!;
  const perRequest = maxCompletionTokens + estimateTokens(request.messages.map((m) => m.content).join(''));
  const known = options.client.lastRateLimit;
  const start = plannedCandidates(options.candidates, perRequest, known);
  if (start.why) notice(start.why);
  const plan: RacePlan = {
    run: start.run,
    why: start.why,
    maxCompletionTokens,
    contract,
    clauses,
    afterFirst: async (progress, emit) => {
      // A limit read within its window already decided: the others need not wait for one more.
      if (plan.run <= 1 || (known && Date.now() - known.at < (known.resetTokensMinuteS ?? 60) * 1000)) return;
      const limit = await firstHeaders(options, known, progress[0]);
      if (!limit || limit.remainingTokensMinute === undefined) return;
      // The first candidate's own reservation is already taken from what is left: count it back in.
      const before = { ...limit, remainingTokensMinute: limit.remainingTokensMinute + perRequest };
      const next = plannedCandidates(plan.run, perRequest, before);
      if (next.run >= plan.run || !next.why) return;
      plan.run = next.run;
      plan.why = next.why;
      notice(next.why);
      for (const p of progress) if (p.candidate > next.run && p.phase === 'waiting') p.phase = 'not_run';
      emit();
    },
  };
  return plan;
}

/** The rate limit of the first candidate's answer, once its headers are in; undefined when none came. */
async function firstHeaders(
  options: RaceOptions,
  before: RateLimit | undefined,
  first: CandidateProgress | undefined,
): Promise<RateLimit | undefined> {
  const deadline = Date.now() + FIRST_HEADERS_WAIT_MS;
  const started = () => first && (first.tokens > 0 || (first.phase !== 'waiting' && first.phase !== 'streaming'));
  while (options.client.lastRateLimit === before && !started() && Date.now() < deadline) {
    if (options.signal?.aborted) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const limit = options.client.lastRateLimit;
  return limit === before ? undefined : limit;
}
