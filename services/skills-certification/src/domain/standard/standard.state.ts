import { assertNever } from '@homeward/assert-never';
import type { StandardContent, StandardEvent } from './standard.events';

/** One version of a standard, as it was published or revised. */
export interface StandardVersion extends StandardContent {
  readonly version: number;
  readonly recordedOn: string;
}

/**
 * A competency standard, folded from its events.
 *
 * Invariants that `decide` keeps and `evolve` relies on:
 * - `versions` are numbered 1, 2, 3… without gaps, in the order they were published and revised, and each
 *   holds the whole content of its version (a revision never patches an earlier one);
 * - every version has at least one unit, unit codes are unique within it, and each unit names at least one
 *   kind of evidence and no ESCO skill twice; the occupation is an ISCO-08 unit group and the level 1–8;
 * - versions take effect in order: each `effectiveFrom` is on or after the one before;
 * - once `withdrawn`, a standard takes no more versions and is never published again under its id.
 */
export type StandardState =
  | { readonly status: 'unpublished' }
  | {
      readonly status: 'published' | 'withdrawn';
      readonly standardId: string;
      readonly versions: readonly StandardVersion[];
      readonly withdrawnOn?: string;
    };

export type PublishedStandard = Exclude<StandardState, { status: 'unpublished' }>;

export const initialState = (): StandardState => ({ status: 'unpublished' });

export function evolve(state: StandardState, event: StandardEvent): StandardState {
  switch (event.type) {
    case 'CompetencyStandardPublished': {
      const { standardId, publishedOn, version, ...content } = event.data;
      return { status: 'published', standardId, versions: [{ ...content, version, recordedOn: publishedOn }] };
    }
    case 'CompetencyStandardRevised': {
      if (state.status === 'unpublished') return state;
      const { standardId: _id, revisedOn, version, ...content } = event.data;
      return { ...state, versions: [...state.versions, { ...content, version, recordedOn: revisedOn }] };
    }
    case 'CompetencyStandardWithdrawn':
      if (state.status === 'unpublished') return state;
      return { ...state, status: 'withdrawn', withdrawnOn: event.data.withdrawnOn };
    default:
      assertNever(event, 'event');
  }
}

export function latestVersion(state: PublishedStandard): StandardVersion {
  return state.versions[state.versions.length - 1]!;
}

/**
 * What another stream's command needs to know of a standard (a centre accrediting an assessor for it, a
 * candidate assessed or certified against it): looked up by the application layer and passed in the
 * command's data, so that `decide` stays pure. Undefined in the command when no such standard exists.
 */
export interface StandardFacts {
  readonly standardId: string;
  readonly withdrawn: boolean;
  readonly versions: readonly { readonly version: number; readonly effectiveFrom: string; readonly unitCodes: readonly string[] }[];
}

/** The facts of a standard's state, for the commands of other streams; undefined when it was never published. */
export function standardFacts(state: StandardState): StandardFacts | undefined {
  if (state.status === 'unpublished') return undefined;
  return {
    standardId: state.standardId,
    withdrawn: state.status === 'withdrawn',
    versions: state.versions.map((v) => ({ version: v.version, effectiveFrom: v.effectiveFrom, unitCodes: v.units.map((u) => u.code) })),
  };
}
