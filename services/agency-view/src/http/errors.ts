import { ProjectionUnavailableError } from '@homeward/projections/reader';
import { Problem } from '@homeward/service-kit/problem';

/** The read model's own errors as HTTP answers. */
export function translateViewError(error: unknown): Problem | undefined {
  if (error instanceof ProjectionUnavailableError) {
    return new Problem({
      type: 'https://homeward.example/problems/read-model-unavailable',
      title: 'Read model not available yet',
      status: 503,
      code: 'read-model.unavailable',
      detail: `${error.message}; try again shortly`,
    });
  }
  return undefined;
}
