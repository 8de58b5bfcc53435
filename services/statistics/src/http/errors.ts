import { Problem, fieldError } from '@homeward/service-kit/problem';
import { ReportSpecError } from '../application/report-spec';

/** Errors of the lower layers → HTTP problems. */
export function translateStatisticsError(error: unknown): Problem | undefined {
  if (error instanceof ReportSpecError) {
    return Problem.validation(
      error.errors.map((e) => fieldError('body', e.field.split('.'), e.detail)),
      'The report request is not valid; see errors for each field at fault.',
    );
  }
  return undefined;
}
