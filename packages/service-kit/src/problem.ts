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
}

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://homeward.example/problems/';

/** An error that already knows its HTTP answer. Thrown by handlers and controllers, rendered at the edge. */
export class Problem extends Error {
  override readonly name = 'Problem';
  constructor(readonly details: ProblemDetails) {
    super(details.detail ?? details.title);
  }

  static validation(errors: readonly FieldError[], detail = 'The request is not valid; see errors for each field at fault.'): Problem {
    return new Problem({ type: `${TYPE_BASE}validation`, title: 'Invalid request', status: 400, detail, errors });
  }

  static ruleViolation(detail: string, errors: readonly FieldError[] = []): Problem {
    return new Problem({ type: `${TYPE_BASE}rule-violation`, title: 'The registry refuses this change', status: 422, detail, errors });
  }

  static notFound(detail: string, errors: readonly FieldError[] = []): Problem {
    return new Problem({ type: `${TYPE_BASE}not-found`, title: 'Not found', status: 404, detail, errors });
  }

  static conflict(detail: string): Problem {
    return new Problem({ type: `${TYPE_BASE}concurrency-conflict`, title: 'Concurrent change', status: 409, detail });
  }

  static unauthorized(detail: string): Problem {
    return new Problem({ type: `${TYPE_BASE}unauthorized`, title: 'Authentication required', status: 401, detail });
  }

  static forbidden(detail: string, errors: readonly FieldError[] = []): Problem {
    return new Problem({ type: `${TYPE_BASE}forbidden`, title: 'Not allowed', status: 403, detail, errors });
  }

  static internal(): Problem {
    return new Problem({
      type: `${TYPE_BASE}internal`,
      title: 'Internal error',
      status: 500,
      detail: 'The request failed on our side; nothing was recorded.',
    });
  }
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
