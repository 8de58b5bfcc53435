import { iscoGroup, iscoGroups, iscoUnitGroup } from '../src/isco-08';

describe('ISCO-08', () => {
  it('has the ILO structure: 10 major, 43 sub-major, 130 minor and 436 unit groups', () => {
    expect(iscoGroups('major')).toHaveLength(10);
    expect(iscoGroups('sub-major')).toHaveLength(43);
    expect(iscoGroups('minor')).toHaveLength(130);
    expect(iscoGroups('unit')).toHaveLength(436);
  });

  it('nests every group in a group one level up that exists, and no code twice', () => {
    for (const level of ['sub-major', 'minor', 'unit'] as const) {
      for (const group of iscoGroups(level)) {
        expect(group.parent).toBe(group.code.slice(0, -1));
        expect(iscoGroup(group.parent!)).toBeDefined();
      }
    }
    const codes = (['major', 'sub-major', 'minor', 'unit'] as const).flatMap((level) => iscoGroups(level).map((g) => g.code));
    expect(new Set(codes).size).toBe(619);
    expect(codes.every((code) => /^\d{1,4}$/.test(code))).toBe(true);
  });

  it('leaves no group above the unit level empty', () => {
    for (const level of ['major', 'sub-major', 'minor'] as const) {
      for (const group of iscoGroups(level)) {
        expect(iscoGroups('unit').some((unit) => unit.code.startsWith(group.code))).toBe(true);
      }
    }
  });

  it('titles the groups as the ILO does', () => {
    expect(iscoGroup('0')?.title).toBe('Armed forces occupations');
    expect(iscoGroup('0110')?.title).toBe('Commissioned armed forces officers');
    expect(iscoGroup('1120')?.title).toBe('Managing directors and chief executives');
    expect(iscoGroup('8')?.title).toBe('Plant and machine operators, and assemblers');
    expect(iscoGroup('2221')?.title).toBe('Nursing professionals');
    expect(iscoGroup('5322')?.title).toBe('Home-based personal care workers');
    expect(iscoGroup('9111')?.title).toBe('Domestic cleaners and helpers');
    expect(iscoGroup('96')?.title).toBe('Refuse workers and other elementary workers');
    expect(iscoGroups('major').map((g) => g.code)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('records occupations at the unit-group level only', () => {
    expect(iscoUnitGroup('9111')?.level).toBe('unit');
    expect(iscoUnitGroup('0000')).toBeUndefined();
    expect(iscoUnitGroup('9999')).toBeUndefined();
    expect(iscoUnitGroup('911')).toBeUndefined();
    expect(iscoUnitGroup('1110')).toBeUndefined();
  });
});
