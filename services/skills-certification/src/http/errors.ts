import { translateCommandError } from '@homeward/command-handling/http';
import type { Problem } from '@homeward/service-kit/problem';

/** Domain and store errors → HTTP problems. The one place where refusals get their status codes. */
export function translateSkillsError(error: unknown): Problem | undefined {
  return translateCommandError(error, 'case');
}
