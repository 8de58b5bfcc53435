import { ISCO_08 } from './isco-08.data';

export type IscoLevel = 'major' | 'sub-major' | 'minor' | 'unit';

/** A group of ISCO-08: its code has one digit per level (0110 is a unit group of minor group 011). */
export interface IscoGroup {
  readonly code: string;
  readonly title: string;
  readonly level: IscoLevel;
  /** The group one level up; absent for a major group. */
  readonly parent?: string;
}

const LEVELS: readonly IscoLevel[] = ['major', 'sub-major', 'minor', 'unit'];

const BY_CODE = new Map<string, IscoGroup>(
  ISCO_08.map(([code, title]) => [
    code,
    { code, title, level: LEVELS[code.length - 1]!, ...(code.length > 1 ? { parent: code.slice(0, -1) } : {}) },
  ]),
);

/** The ISCO-08 group with this code, at any level, if it is one. */
export function iscoGroup(code: string): IscoGroup | undefined {
  return BY_CODE.get(code);
}

/**
 * The ISCO-08 unit group with this four-digit code, if it is one. Occupations are recorded at the unit
 * group level: "9111" is one, "0000" and "9999" are not.
 */
export function iscoUnitGroup(code: string): IscoGroup | undefined {
  const group = BY_CODE.get(code);
  return group?.level === 'unit' ? group : undefined;
}

/** Every group of one level, in code order. */
export function iscoGroups(level: IscoLevel): readonly IscoGroup[] {
  return [...BY_CODE.values()].filter((g) => g.level === level);
}
