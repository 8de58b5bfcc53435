/**
 * RFC 9457 problem details. Every error a Homeward API returns has this shape and the media type
 * application/problem+json; `errors` names each field at fault, as a dotted path and a JSON pointer.
 */
export interface FieldError {
  /** Where the field lives: body, path, query or header. */
  readonly in: 'body' | 'path' | 'query' | 'header';
  /** Dotted path, e.g. "contract.occupationIsco". Empty for the whole body. */
  readonly field: string;
  /** JSON pointer into the request part, e.g. "/contract/occupationIsco". */
  readonly pointer: string;
  readonly detail: string;
  /** The stable code of what is wrong with this field, where the refusal has one (the problem's own, or one per field). */
  readonly code?: string;
}

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  /**
   * Stable and machine-readable, e.g. `validation.failed`, `request.unsupported-media-type`: what a client
   * branches on. `type` stays the RFC 9457 identifier; `title` and `detail` are for people and may change.
   */
  readonly code: string;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://homeward.example/problems/';

/** The realm every Homeward API names in its `WWW-Authenticate` challenges. */
export const AUTH_REALM = 'homeward';

/** An error that already knows its HTTP answer. Thrown by handlers and controllers, rendered at the edge. */
export class Problem extends Error {
  override readonly name = 'Problem';
  /**
   * @param headers sent with the answer beside the body: the challenge of a 401 (`WWW-Authenticate`), the
   *   methods of a 405 (`Allow`).
   */
  constructor(
    readonly details: ProblemDetails,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(details.detail ?? details.title);
  }

  static validation(
    errors: readonly FieldError[],
    detail = 'The request is not valid; see errors for each field at fault.',
    code = 'validation.failed',
  ): Problem {
    return new Problem({ type: `${TYPE_BASE}validation`, title: 'Invalid request', status: 400, code, detail, errors });
  }

  static ruleViolation(detail: string, errors: readonly FieldError[] = [], code = 'rule.violated'): Problem {
    return new Problem({
      type: `${TYPE_BASE}rule-violation`,
      title: 'The registry refuses this change',
      status: 422,
      code,
      detail,
      errors,
    });
  }

  static notFound(detail: string, errors: readonly FieldError[] = [], code = 'resource.not-found'): Problem {
    return new Problem({ type: `${TYPE_BASE}not-found`, title: 'Not found', status: 404, code, detail, errors });
  }

  static conflict(detail: string, code = 'conflict.concurrent-change'): Problem {
    return new Problem({ type: `${TYPE_BASE}concurrency-conflict`, title: 'Concurrent change', status: 409, code, detail });
  }

  /**
   * 401 with the RFC 6750 challenge: a request without credentials is told the scheme and realm only; one
   * whose token was refused also gets `error="invalid_token"` and why.
   */
  static unauthorized(detail: string, reason: 'missing-token' | 'invalid-token' = 'invalid-token'): Problem {
    const challenge =
      reason === 'missing-token'
        ? `Bearer realm="${AUTH_REALM}"`
        : `Bearer realm="${AUTH_REALM}", error="invalid_token", error_description="${quotable(detail)}"`;
    return new Problem(
      { type: `${TYPE_BASE}unauthorized`, title: 'Authentication required', status: 401, code: `auth.${reason}`, detail },
      { 'www-authenticate': challenge },
    );
  }

  static forbidden(detail: string, errors: readonly FieldError[] = [], code = 'access.forbidden'): Problem {
    return new Problem({ type: `${TYPE_BASE}forbidden`, title: 'Not allowed', status: 403, code, detail, errors });
  }

  static internal(): Problem {
    return new Problem({
      type: `${TYPE_BASE}internal`,
      title: 'Internal error',
      status: 500,
      code: 'internal.error',
      detail: 'The request failed on our side; nothing was recorded.',
    });
  }

  /**
   * The request itself cannot be read or served as sent, before any operation looks at it: a malformed URL,
   * an unknown route, a method the path does not have, a body too large or of a media type the operation
   * does not take, a URI or headers too long. `code` is `request.<what>`.
   */
  static request(
    status: number,
    what: string,
    title: string,
    detail: string,
    errors: readonly FieldError[] = [],
    headers: Readonly<Record<string, string>> = {},
  ): Problem {
    return new Problem({ type: `${TYPE_BASE}request-${what}`, title, status, code: `request.${what}`, detail, errors }, headers);
  }
}

/** RFC 6750's error_description allows printable ASCII except `"` and `\`. */
function quotable(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, "'");
}

/** Turns a field path such as ["contract", "occupationIsco"] into a FieldError. */
export function fieldError(location: FieldError['in'], path: readonly (string | number)[], detail: string): FieldError {
  return {
    in: location,
    field: path.join('.'),
    pointer: path.length === 0 ? '' : `/${path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
    detail,
  };
}
