/** Nest injection tokens of the mission view. */
export const MISSION_QUERIES = Symbol('MISSION_QUERIES');
export const PROJECTION_HOST = Symbol('PROJECTION_HOST');
export const MISSION_SETTINGS = Symbol('MISSION_SETTINGS');

export interface MissionSettings {
  readonly country: string;
  /** Today, for windows counted from today when the caller gives no asOf. */
  readonly clock: () => Date;
}
