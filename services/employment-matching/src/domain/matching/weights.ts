import v20261201 from './weights/2026-12-01.json';

/**
 * The weights of the score, versioned configuration: each version is a JSON file in ./weights named after
 * the day it took effect, never edited once a referral has cited it (a referral records the version, and
 * rebuildScore needs that version's exact figures). A new version is a new file added to WEIGHTS.
 */
export interface Weights {
  version: string;
  /** Weight of each factor, in thousandths; the weights of one version add up to 1000. */
  factors: { occupation: number; units: number; experience: number; location: number; languages: number };
  /** Value of the occupation factor by the number of ISCO-08 digits shared (0–4). */
  occupationLevelValueMilli: [number, number, number, number, number];
  /** Credit of a required unit that is only claimed (not certified); a certified unit counts 1000, a missing one 0. */
  claimedUnitCreditMilli: number;
  /** Location value for a seeker elsewhere who is willing to relocate; same area counts 1000, otherwise 0. */
  relocationValueMilli: number;
  /** Months of experience that count fully when a vacancy wants none. */
  experienceDefaultMonths: number;
}

export const WEIGHTS: Readonly<Record<string, Weights>> = {
  [v20261201.version]: v20261201 as Weights,
};

/** The version new scores use. */
export const CURRENT_WEIGHTS_VERSION = '2026-12-01';

export function weightsVersion(version: string): Weights | undefined {
  return WEIGHTS[version];
}

export const currentWeights = (): Weights => WEIGHTS[CURRENT_WEIGHTS_VERSION]!;
