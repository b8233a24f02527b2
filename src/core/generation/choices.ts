/**
 * The enumerated options every front end offers, each defined once: the type for the code and the list of
 * values for the checks that read them from settings, flags and the environment.
 */

/** gpt-oss's `reasoning_effort`. */
export const REASONING_EFFORTS = ['low', 'medium', 'high'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

/**
 * What happens to a generated file that already exists: `ask` defers existing files to one question at
 * the end; without a way to ask it means `never`.
 */
export const OVERWRITE_POLICIES = ['ask', 'always', 'never'] as const;
export type OverwritePolicy = (typeof OVERWRITE_POLICIES)[number];
