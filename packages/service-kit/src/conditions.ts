import { createHash } from 'node:crypto';
import { Problem, fieldError } from './problem';

/** What an HTTP request adds to a command: optimistic concurrency (If-Match) and safe retries (Idempotency-Key). */
export interface RequestConditions {
  /** From If-Match: the stream versions the caller accepts (the one it last saw); absent for none or `*`. */
  readonly ifMatch?: readonly number[];
  /** From If-Match: `*`, the stream must exist (whatever its version). */
  readonly mustExist?: true;
  /** From Idempotency-Key, with a fingerprint of the request it was first used for. */
  readonly idempotency?: { readonly key: string; readonly fingerprint: string };
}

export type RequestHeaders = Record<string, string | undefined>;

/**
 * If-Match and Idempotency-Key as a command sees them. The fingerprint identifies the request a key was
 * first used for: the operation, the resource and the body, with object keys in a canonical order, so
 * that the same request sent again matches whatever order its client wrote the fields in.
 */
export function requestConditions(operation: string, resourceId: string, body: unknown, headers: RequestHeaders): RequestConditions {
  const idempotencyKey = headers['idempotency-key'];
  const ifMatch = headers['if-match'] === undefined ? undefined : entityTags(headers['if-match']);
  if (ifMatch === null) {
    throw Problem.validation([
      fieldError('header', ['If-Match'], 'must be *, or ETags this API gave out such as "3", separated by commas'),
    ]);
  }
  return {
    ...(ifMatch === undefined ? {} : ifMatch === '*' ? { mustExist: true as const } : { ifMatch }),
    ...(idempotencyKey === undefined
      ? {}
      : {
          idempotency: {
            key: idempotencyKey,
            fingerprint: createHash('sha256')
              .update(canonical([operation, resourceId, body]))
              .digest('hex'),
          },
        }),
  };
}

/**
 * The versions an If-Match header names (RFC 9110 §13.1.1): `*`, or a list of entity tags. The API gives out
 * strong tags of stream versions (`"3"`); a weak one (`W/"3"`) is read as its version. Answers null when the
 * header is not such a list.
 */
export function entityTags(header: string): readonly number[] | '*' | null {
  if (header.trim() === '*') return '*';
  const versions: number[] = [];
  for (const tag of header.split(',')) {
    const version = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(tag)?.[1];
    if (version === undefined) return null;
    versions.push(Number(version));
  }
  return versions;
}

/** The ETag of a stream at `version`: a strong tag, what If-Match gives back. */
export const entityTag = (version: number): string => `"${version}"`;

/** JSON with object keys sorted at every level: equal values, equal text. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
