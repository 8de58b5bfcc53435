/**
 * Given-When-Then for deciders: given the events a stream holds, when a command is decided, then
 * these events are produced, or this error is thrown, or nothing happens. Pure: no I/O, no clock.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export interface Then<Event> {
  then(expected: readonly Event[]): void;
  thenNothingHappens(): void;
  thenThrows<E extends Error>(errorType: new (...args: never[]) => E, check?: (error: E) => void): void;
}

export function DeciderSpecification<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given(events: readonly Event[]) {
      return {
        when(command: Command): Then<Event> {
          const run = () => decider.decide(command, events.reduce(decider.evolve, decider.initialState()));
          return {
            then(expected) {
              expect(run()).toEqual(expected);
            },
            thenNothingHappens() {
              expect(run()).toEqual([]);
            },
            thenThrows(errorType, check) {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown).toBeInstanceOf(errorType);
              if (check) check(thrown as InstanceType<typeof errorType>);
            },
          };
        },
      };
    },
  };
}
