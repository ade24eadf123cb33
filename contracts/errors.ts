// Every error an API caller can see, in one registry: a stable string code, the HTTP status and a
// message template. README's "Errors" table lists the same codes (test/http/errors.test.ts checks).
export const ERRORS = {
  BAD_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  BAD_REQUEST: { status: 400, message: 'The request is not of the expected shape: {detail}' },
  UNAUTHORIZED: { status: 401, message: 'This request needs credentials it does not carry: {detail}' },
  TOKEN_INVALID: { status: 401, message: 'The merchant token is not valid ({detail}); carry on without it.' },
  ORIGIN_NOT_ALLOWED: { status: 403, message: 'This origin may not embed the assistant.' },
  UPLOAD_TOO_LARGE: { status: 413, message: 'The file is larger than {limit} bytes.' },
  UPLOAD_WRONG_TYPE: {
    status: 415,
    message: 'Only JPEG, PNG, WebP, HEIC photos and PDF files are accepted.',
  },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the request body as application/json.' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than {limit} bytes.' },
  NOT_FOUND: { status: 404, message: 'Nothing is here: {detail}' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; please wait a moment and try again.' },
  NOT_READY: { status: 503, message: 'The assistant is starting or stopping; please try again shortly.' },
  UNAVAILABLE: {
    status: 503,
    message: 'Sorry, something went wrong on our side; nothing was changed. Please try again in a moment.',
  },
  INTERNAL: { status: 500, message: 'Something went wrong on our side. Please try again.' },
  // codes of the widget's socket frames (the status is what the same refusal is over HTTP)
  BAD_FRAME: { status: 400, message: 'A frame must be a JSON text frame of a known shape: {detail}' },
  TOKEN_REFUSED: { status: 401, message: 'The merchant token was refused; carrying on without it.' },
  // a conversation's uploads, counted together
  UPLOAD_TOO_MANY: { status: 429, message: 'This conversation already has {max} files.' },
  UPLOAD_QUOTA_EXCEEDED: { status: 413, message: "This conversation's files would exceed {limit} bytes." },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    vars: Record<string, string | number> = {},
    /** A message for the person, in their language, instead of the English template. */
    message?: string,
    /** What went wrong underneath, for the log line (never in the body). */
    options?: { cause?: unknown },
  ) {
    super(
      message ?? ERRORS[code].message.replace(/\{(\w+)\}/g, (m, k: string) => String(vars[k] ?? m)),
      options,
    );
    this.status = ERRORS[code].status;
  }

  toJSON(): { error: { code: ErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** What a service depends on to answer: the state store, the business database, the bus between instances. */
export type Dependency = 'state' | 'database' | 'bus';

/**
 * A dependency did not answer (down, or not within its bound): nothing of the turn was saved, and
 * the same request a moment later may well succeed. Stores throw it (with the driver's error as
 * `cause`); the boundary answers UNAVAILABLE, never INTERNAL, and the log names the dependency.
 */
export class Unavailable extends Error {
  override name = 'Unavailable';
  constructor(
    readonly dependency: Dependency,
    options?: { cause?: unknown },
  ) {
    super(`the ${dependency} did not answer`, options);
  }
}

/** The Unavailable anywhere in `err`'s chain of causes, if there is one. */
export function unavailableIn(err: unknown): Unavailable | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    if (e instanceof Unavailable) return e;
  return undefined;
}

/** Wraps anything thrown at the HTTP boundary once, so the body is always one of ours. */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (unavailableIn(err)) return new ApiError('UNAVAILABLE');
  const e = err as { code?: string; statusCode?: number; message?: string };
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('BAD_JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('BODY_TOO_LARGE', { limit: 'the allowed number of' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE');
  }
  if (e.statusCode === 429) return new ApiError('RATE_LIMITED');
  if (e instanceof SyntaxError) return new ApiError('BAD_JSON');
  if (e.statusCode === 400) return new ApiError('BAD_REQUEST', { detail: e.message ?? 'invalid request' });
  return new ApiError('INTERNAL');
}
