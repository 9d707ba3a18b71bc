/**
 * The one error type of shipshape. Every failure a user can cause or meet carries a `code`; the CLI maps
 * codes to exit statuses and prints `message` on one line (the stack only with `--verbose`).
 */
export type ErrorCode =
  /** Bad command-line usage: unknown flag, missing argument. Exit 2. */
  | 'usage'
  /** Input that is malformed, hostile or inconsistent: a Dockerfile, a tar, JSON, a digest mismatch. Exit 2. */
  | 'invalid-input'
  /** A file, image, blob or tag that does not exist. Exit 2. */
  | 'not-found'
  /** A policy or threshold failed. Exit 1. */
  | 'policy'
  /** An engine, registry or other external system failed or was unreachable (after retries). Exit 4. */
  | 'external'
  /** A bug in shipshape. Exit 3. */
  | 'internal';

export interface ShipshapeErrorOptions {
  cause?: unknown;
  /** Where the problem is: a file path, a JSON field, an image reference. Prepended to the message. */
  subject?: string;
}

export class ShipshapeError extends Error {
  readonly code: ErrorCode;
  readonly subject: string | undefined;

  constructor(code: ErrorCode, message: string, options: ShipshapeErrorOptions = {}) {
    super(options.subject ? `${options.subject}: ${message}` : message, { cause: options.cause });
    this.name = 'ShipshapeError';
    this.code = code;
    this.subject = options.subject;
  }
}

/** Exit statuses, documented in docs/cli.md. */
export const exitCodes = {
  ok: 0,
  policy: 1,
  usage: 2,
  internal: 3,
  external: 4,
} as const;

export function exitCodeFor(error: unknown): number {
  if (!(error instanceof ShipshapeError)) return exitCodes.internal;
  switch (error.code) {
    case 'usage':
    case 'invalid-input':
    case 'not-found':
      return exitCodes.usage;
    case 'policy':
      return exitCodes.policy;
    case 'external':
      return exitCodes.external;
    case 'internal':
      return exitCodes.internal;
  }
}

/** Shorthands that read well at the throw site. */
export function invalidInput(subject: string, message: string, cause?: unknown): ShipshapeError {
  return new ShipshapeError('invalid-input', message, { subject, cause });
}

export function notFound(subject: string, message: string, cause?: unknown): ShipshapeError {
  return new ShipshapeError('not-found', message, { subject, cause });
}

export function externalFailure(subject: string, message: string, cause?: unknown): ShipshapeError {
  return new ShipshapeError('external', message, { subject, cause });
}

/**
 * Adds context to an error on its way up ("reading layer sha256:…"), keeping its code. Errors that are not
 * ShipshapeErrors are classified: Node's system errors for missing files become `not-found`, the rest `internal`.
 */
export function wrap(error: unknown, context: string): ShipshapeError {
  if (error instanceof ShipshapeError) {
    return new ShipshapeError(error.code, `${context}: ${error.message}`, { cause: error });
  }
  const sys = error as NodeJS.ErrnoException | undefined;
  if (sys && typeof sys === 'object' && typeof sys.code === 'string') {
    if (sys.code === 'ENOENT') return new ShipshapeError('not-found', `${context}: no such file or directory`, { cause: error });
    if (sys.code === 'EACCES' || sys.code === 'EPERM') return new ShipshapeError('invalid-input', `${context}: permission denied`, { cause: error });
    if (sys.code === 'ELOOP') return new ShipshapeError('invalid-input', `${context}: too many levels of symbolic links`, { cause: error });
    if (sys.code === 'ENOTDIR' || sys.code === 'EISDIR') return new ShipshapeError('invalid-input', `${context}: ${sys.code === 'ENOTDIR' ? 'not a directory' : 'is a directory'}`, { cause: error });
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(sys.code)) {
      return new ShipshapeError('external', `${context}: ${sys.code}`, { cause: error });
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ShipshapeError('internal', `${context}: ${message}`, { cause: error });
}
