import type { ModelClient, Usage } from '../generation/modelClient';
import type { PromptOptions } from '../generation/prompt';
import type { FileSink } from '../generation/sink';
import type { GenerationReport, RejectedFile } from '../generation/pipeline';
import type { TestReport } from '../testing/loop';

/** Fewest and most candidates a race runs (`turbo.raceCandidates`, `--candidates`, MCP `candidates`). */
export const MIN_CANDIDATES = 2;
export const MAX_CANDIDATES = 8;
export const DEFAULT_CANDIDATES = 3;

/** What a candidate is doing now, for the progress a front end shows. */
export type CandidatePhase =
  | 'waiting' // not started: the quota or the test slots hold it back
  | 'streaming'
  | 'testing'
  | 'checking' // the contract check, when there are no tests
  | 'done'
  | 'failed' // the generation failed (the error says why); it cannot win
  | 'not_run'; // the quota did not allow it

export interface CandidateProgress {
  /** From 1. */
  candidate: number;
  phase: CandidatePhase;
  /** Completion tokens so far (estimated while streaming). */
  tokens: number;
  filesWritten: number;
  /** Set once tested: the counts of the candidate's own run. */
  passed?: number;
  failed?: number;
}

/** One file of a candidate, with its whole text (kept in memory so a front end can diff and swap). */
export interface CandidateFile {
  path: string;
  content: string;
  lines: number;
  bytes: number;
  /** A test-looking file the candidate added: written with it if it wins, but kept out of its score. */
  newTest?: boolean;
}

export interface CandidateResult {
  candidate: number;
  /** Green: the test command exited 0 and ran at least as many tests as the baseline. */
  green: boolean;
  /** Why a candidate whose command exited 0 still is not green (fewer tests ran than …). */
  notGreenBecause?: string;
  /** Counts from its test run; undefined when there was no test run or the output had no counts. */
  passed: number | undefined;
  failed: number | undefined;
  /** The tests ran at all (a count was read): false for code that does not even load. */
  loads: boolean;
  /** Met contract clauses and their total, when the contract declares models or routes. */
  conformance: { met: number; total: number } | undefined;
  /**
   * Protected files (tests, `turbo.protectedPaths`) the candidate tried to write. Such a candidate is never
   * green and cannot win: the judge it tried to change is the one that would have scored it.
   */
  touchedTests: string[];
  /** Writes refused because they touched the tests (or `turbo.protectedPaths`), and other rejected files. */
  refused: RejectedFile[];
  files: CandidateFile[];
  lines: number;
  usage: Usage | undefined;
  costUsd: number | undefined;
  /** From its request to the end of its test run. */
  durationMs: number;
  /** The generation's or the test run's failure, as a sentence; null when none. */
  error: string | null;
  /** The candidate's test run (its output stays in memory for the comparison view). */
  test: TestReport | undefined;
  generation: GenerationReport | undefined;
}

export interface RaceOptions extends PromptOptions {
  client: ModelClient;
  contract: string;
  /** The real output folder (absolute). Candidates never write in it; only the winner lands there, through `sink`. */
  folder: string;
  /** 2–8. */
  candidates: number;
  /** The confirmed test command; undefined when the folder has none (the contract check then scores). */
  testCommand: string | undefined;
  testTimeoutMs?: number;
  /** Variables the test command must not see, and values redacted from its output (as for Run Tests). */
  denyEnv?: readonly string[];
  secrets?: readonly (string | undefined)[];
  /** The path deny list (turbo.denyPatterns), as for every generation. */
  deny?: readonly string[];
  /** `turbo.protectedPaths`: globs (relative to the folder) no candidate or fix may write. */
  protectedPaths?: readonly string[];
  /** How many tests ran in the last run before the race, when a front end knows it. */
  baselineRan?: number;
  /** Current text of a folder file (the editor answers from open documents, the CLI from disk); default: disk. */
  readFile?: (absPath: string) => Promise<string | undefined>;
  /** Where the winner lands: FsSink on disk, the WorkspaceEdit sink in the editor (its overwrite policy applies). */
  sink: FileSink;
  signal?: AbortSignal;
  maxContinuations?: number;
  /** At most this many test runs at once (default: the number of cores). */
  testConcurrency?: number;
  onProgress?: (candidates: CandidateProgress[]) => void;
  /** Short sentences worth showing (fewer candidates than asked, a retry …). */
  onNotice?: (message: string) => void;
}

export interface RaceReport {
  /** The candidate written into the folder (from 1); undefined when none could be written. */
  winner: number | undefined;
  /** The winner is green. */
  green: boolean;
  /** How many the person asked for, and how many ran (fewer when the quota did not allow them). */
  asked: number;
  ran: number;
  candidates: CandidateResult[];
  /** The winner's landing, as a generation report (files written, skipped by the overwrite policy …). */
  landed: GenerationReport | undefined;
  /**
   * What each path any candidate wrote held in the folder just before the winner landed (null: no such
   * file), so a front end can swap to another candidate, or diff against the folder, without guessing.
   */
  original: Record<string, string | null>;
  /** The baseline test count a green run had to reach (undefined: none known). */
  baselineRan: number | undefined;
  /** `max_completion_tokens` each request reserved. */
  maxCompletionTokens: number;
  usage: Usage | undefined;
  costUsd: number | undefined;
  durationMs: number;
  /** Set when the race as a whole failed or was cancelled (each candidate's own error is on it). */
  error: string | null;
  cancelled: boolean;
  notices: string[];
}
