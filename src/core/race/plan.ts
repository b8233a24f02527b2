import { parseContract, type ContractDoc } from '../contract/language';
import { DEFAULT_MAX_COMPLETION_TOKENS } from '../generation/prompt';
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

export async function planRace(options: RaceOptions, notice: (message: string) => void): Promise<RacePlan> {
  const contract = parseContract(options.contract);
  const clauses = contract.models.reduce((n, m) => n + 1 + m.fields.length, 0) + contract.routes.length;
  void notice;
  return {
    run: options.candidates,
    why: undefined,
    maxCompletionTokens: options.maxCompletionTokens ?? DEFAULT_MAX_COMPLETION_TOKENS,
    contract,
    clauses,
    afterFirst: async () => undefined,
  };
}
