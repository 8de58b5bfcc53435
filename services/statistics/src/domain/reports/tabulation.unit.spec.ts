import type { Dimension } from './codelists';
import { Tabulation } from './tabulation';

const dim = (id: Dimension['id'], codes: string[], hasTotal = true): Dimension => ({
  id,
  name: id,
  codes: (hasTotal ? ['_T', ...codes] : codes).map((c) => ({ id: c, name: c })),
  hasTotal,
});

describe('a tabulation of several crossings', () => {
  const A = dim('SEX', ['F', 'M']);
  const B = dim('AGE', ['Y1', 'Y2', 'Y3']);
  const C = dim('EDUCATION', ['E1', 'E2']);
  const T = dim('TIME_PERIOD', ['2025'], false);

  function filled() {
    const t = new Tabulation(
      [A, B, C, T],
      [
        ['SEX', 'AGE', 'TIME_PERIOD'],
        ['SEX', 'EDUCATION', 'TIME_PERIOD'],
      ],
    );
    t.add(['F', 'Y1', 'E1', '2025']);
    t.add(['F', 'Y2', 'E2', '2025']);
    t.add(['M', 'Y1', 'E2', '2025'], 3);
    return t.withTotals();
  }

  it('gives each crossing once, the cells they share by the first, the other dimensions at their total', () => {
    const cells = [...filled().cells()].map((c) => `${c.codes.join(',')}=${c.value}`);
    // 3 × 4 cells of SEX × AGE, then 3 × 3 of SEX × EDUCATION less the 3 with EDUCATION at its total.
    expect(cells).toHaveLength(12 + 6);
    expect(cells).toContain('_T,_T,_T,2025=5');
    expect(cells).toContain('F,Y2,_T,2025=1');
    expect(cells).toContain('M,Y1,_T,2025=3');
    expect(cells).toContain('_T,_T,E2,2025=4');
    expect(cells).toContain('F,_T,E1,2025=1');
    expect(cells.filter((c) => c.startsWith('F,_T,_T,'))).toEqual(['F,_T,_T,2025=2']);
    // AGE and EDUCATION are never crossed with each other.
    expect(cells.some((c) => /,Y\d,E\d,/.test(c))).toBe(false);
  });

  it('finds a cell in the crossing that holds it', () => {
    const t = filled();
    expect(t.valueAt(t.cellOf(['_T', '_T', 'E2', '2025']))).toBe(4);
    expect(t.valueAt(t.cellOf(['M', 'Y1', '_T', '2025']))).toBe(3);
    expect(() => t.cellOf(['M', 'Y1', 'E2', '2025'])).toThrow(RangeError);
  });

  it('refuses a crossing without a dimension that has no total', () => {
    expect(() => new Tabulation([A, T], [['SEX']])).toThrow(/TIME_PERIOD/);
  });
});
