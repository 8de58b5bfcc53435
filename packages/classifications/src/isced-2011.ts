/** A level of ISCED 2011, the International Standard Classification of Education (UNESCO). */
export interface IscedLevel {
  readonly level: number;
  readonly title: string;
}

/** The nine levels and their names as UNESCO publishes them (ISCED 2011, UNESCO Institute for Statistics, 2012). */
const LEVELS: readonly IscedLevel[] = [
  { level: 0, title: 'Early childhood education' },
  { level: 1, title: 'Primary education' },
  { level: 2, title: 'Lower secondary education' },
  { level: 3, title: 'Upper secondary education' },
  { level: 4, title: 'Post-secondary non-tertiary education' },
  { level: 5, title: 'Short-cycle tertiary education' },
  { level: 6, title: "Bachelor's or equivalent level" },
  { level: 7, title: "Master's or equivalent level" },
  { level: 8, title: 'Doctoral or equivalent level' },
];

/** The ISCED 2011 level with this number (0 to 8), if it is one. */
export function iscedLevel(level: number): IscedLevel | undefined {
  return Number.isInteger(level) ? LEVELS[level] : undefined;
}

export function iscedLevels(): readonly IscedLevel[] {
  return LEVELS;
}
