import type { Decider, WithMetadata } from '@homeward/command-handling';

/**
 * A tiny decider for the kit's own tests, nothing like registration's: a tally is opened, then counted.
 * The clock comes in the command's metadata and goes into the events' data.
 */
export type TallyCommand =
  { type: 'OpenTally'; data: { label: string; keeper?: { name: string } } } | { type: 'Count'; data: { by: number; country?: string } };

export type TallyEvent =
  | { type: 'TallyOpened'; data: { label: string; openedAt: string; keeper?: { name: string } } }
  | { type: 'Counted'; data: { by: number; countedAt: string; country?: string } };

export type TallyState =
  { status: 'none' } | { status: 'open'; label: string; total: number; keeper?: { name: string }; countries: readonly string[] };

export class TallyNotOpen extends Error {
  override readonly name = 'TallyNotOpen';
}
export class TallyAlreadyOpen extends Error {
  override readonly name = 'TallyAlreadyOpen';
}

export function decide(command: WithMetadata<TallyCommand>, state: TallyState): TallyEvent[] {
  const now = command.metadata.now.toISOString();
  switch (command.type) {
    case 'OpenTally':
      if (state.status === 'open') throw new TallyAlreadyOpen('the tally is already open');
      return [{ type: 'TallyOpened', data: { ...command.data, openedAt: now } }];
    case 'Count':
      if (state.status !== 'open') throw new TallyNotOpen('no tally is open under this id');
      // Counting by nothing records nothing: a retry of a no-op is a no-op.
      return command.data.by === 0 ? [] : [{ type: 'Counted', data: { ...command.data, countedAt: now } }];
  }
}

export function evolve(state: TallyState, event: TallyEvent): TallyState {
  switch (event.type) {
    case 'TallyOpened':
      return {
        status: 'open',
        label: event.data.label,
        total: 0,
        countries: [],
        ...(event.data.keeper ? { keeper: event.data.keeper } : {}),
      };
    case 'Counted':
      if (state.status !== 'open') return state;
      return {
        ...state,
        total: state.total + event.data.by,
        countries: event.data.country ? [...state.countries, event.data.country] : state.countries,
      };
  }
}

export const initialState = (): TallyState => ({ status: 'none' });

export const tallyDecider: Decider<TallyCommand, TallyEvent, TallyState> = { decide, evolve, initialState };

/** When a tally event happened in the world: the day of its clock. */
export function occurredAt(event: TallyEvent): Date {
  const at = event.type === 'TallyOpened' ? event.data.openedAt : event.data.countedAt;
  return new Date(`${at.slice(0, 10)}T00:00:00Z`);
}
