/**
 * Every failure Turbo reports to a person goes through one type, so the three front ends (editor, CLI,
 * MCP) can show the same short message and act on the same `kind` without knowing the SDK.
 */
export type TurboErrorKind =
  | 'auth'
  | 'rate_limit'
  | 'bad_request'
  | 'not_found'
  | 'model_unavailable'
  | 'server'
  | 'network'
  | 'stalled'
  | 'incomplete'
  | 'format'
  | 'cancelled'
  | 'discarded'
  | 'config'
  | 'io';

export class TurboError extends Error {
  readonly kind: TurboErrorKind;
  /** HTTP status when the service answered with one. */
  readonly status: number | undefined;

  constructor(kind: TurboErrorKind, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.status = options?.status;
  }
}

/** Removes anything that looks like a bearer token or an API key from text meant for logs. */
export function redactSecrets(text: string, ...secrets: (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{6,}/gi, '$1[redacted]')
    .replace(/\bcsk-[A-Za-z0-9]{6,}/g, 'csk-[redacted]');
}
