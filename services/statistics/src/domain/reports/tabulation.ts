import { EDUCATION, RECRUITMENT_CHANNEL, type Dimension, type DimensionId } from './codelists';
import { Cube, MAX_CELLS, TableTooLarge } from './cube';

/** What a table's observations are read from: a dense cube, or a tabulation of several crossings. */
export interface Tabular {
  readonly dimensions: readonly Dimension[];
  withTotals(): this;
  cells(): Generator<{ readonly codes: readonly string[]; readonly value: number; readonly cell: number }>;
  valueAt(cell: number): number;
}

interface Part {
  readonly cube: Cube;
  /** Positions, in the table's dimensions, of the crossing's dimensions. */
  readonly positions: readonly number[];
  readonly members: ReadonlySet<number>;
  /** Where the part's cells start in the tabulation's numbering. */
  readonly offset: number;
}

/**
 * A table over some dimensions that holds several crossings of them rather than the whole cross product:
 * each crossing is a dense cube over some of the dimensions (every combination of their codes, totals and
 * zeros included), the other dimensions at their total. The cells are the union of the crossings; a cell
 * two crossings share (one whose detailed dimensions both cross) is given once, by the first. Every
 * crossing must hold the dimensions that have no total (TIME_PERIOD of a flow, a measure).
 *
 * This is how the ILO core disaggregations that were added to every table (education, recruitment
 * channel) stay within MAX_CELLS: crossed with every other dimension, they would multiply each table by 66.
 */
export class Tabulation implements Tabular {
  private readonly parts: Part[] = [];
  readonly size: number;
  private totalled = false;

  constructor(
    readonly dimensions: readonly Dimension[],
    crossings: readonly (readonly DimensionId[])[],
  ) {
    let offset = 0;
    for (const crossing of crossings) {
      const positions = dimensions.map((d, i) => (crossing.includes(d.id) ? i : -1)).filter((i) => i >= 0);
      if (positions.length !== crossing.length)
        throw new RangeError(`a crossing names a dimension the table does not have: ${crossing.join(' × ')}`);
      for (const [i, d] of dimensions.entries())
        if (!d.hasTotal && !positions.includes(i)) throw new RangeError(`every crossing must hold ${d.id}, which has no total`);
      const cube = new Cube(positions.map((i) => dimensions[i]!));
      this.parts.push({ cube, positions, members: new Set(positions), offset });
      offset += cube.size;
    }
    if (offset > MAX_CELLS) {
      throw new TableTooLarge(
        `a table by ${dimensions.map((d) => d.id).join(' × ')} would have ${offset} cells, more than ${MAX_CELLS}: ask for a shorter period or a coarser frequency`,
      );
    }
    this.size = offset;
  }

  /** Adds `amount` at the cell of these codes (one per dimension of the table, detailed codes only) in every crossing. */
  add(codes: readonly string[], amount = 1): void {
    for (const part of this.parts)
      part.cube.add(
        part.positions.map((i) => codes[i]!),
        amount,
      );
  }

  withTotals(): this {
    if (this.totalled) return this;
    this.totalled = true;
    for (const part of this.parts) part.cube.withTotals();
    return this;
  }

  /** Every cell: each crossing's in row order, those already given by an earlier crossing left out. */
  *cells(): Generator<{ readonly codes: readonly string[]; readonly value: number; readonly cell: number }> {
    const totals = this.dimensions.map((d) => d.codes[0]!.id);
    for (const [k, part] of this.parts.entries()) {
      const earlier = this.parts.slice(0, k);
      for (const { codes, value, cell } of part.cube.cells()) {
        const detailed: number[] = [];
        const full = [...totals];
        part.positions.forEach((position, j) => {
          full[position] = codes[j]!;
          if (this.dimensions[position]!.hasTotal && codes[j] !== totals[position]) detailed.push(position);
        });
        if (earlier.some((e) => detailed.every((position) => e.members.has(position)))) continue;
        yield { codes: full, value, cell: part.offset + cell };
      }
    }
  }

  valueAt(cell: number): number {
    for (let k = this.parts.length - 1; k >= 0; k--) {
      const part = this.parts[k]!;
      if (cell >= part.offset) return part.cube.valueAt(cell - part.offset);
    }
    throw new RangeError(`no cell ${cell}`);
  }

  /** The cell of these codes (one per dimension, totals included), in the first crossing that holds it. */
  cellOf(codes: readonly string[]): number {
    const totals = this.dimensions.map((d) => d.codes[0]!.id);
    for (const part of this.parts) {
      const outside = codes.some((code, i) => !part.members.has(i) && code !== totals[i]);
      if (!outside) return part.offset + part.cube.cellOf(part.positions.map((i) => codes[i]!));
    }
    throw new RangeError(`no crossing holds ${codes.join(' × ')}`);
  }
}

/**
 * The dimensions of a table with the ILO core disaggregations that join every stock and flow table:
 * education (ISCED 2011 level) and recruitment channel, placed before TIME_PERIOD.
 */
export function withCoreDisaggregations(dimensions: readonly Dimension[]): Dimension[] {
  const time = dimensions.findIndex((d) => d.id === 'TIME_PERIOD');
  const at = time === -1 ? dimensions.length : time;
  return [...dimensions.slice(0, at), EDUCATION, RECRUITMENT_CHANNEL, ...dimensions.slice(at)];
}

/**
 * A table by its own dimensions, with education and recruitment channel joined: its own cross-tabulation
 * (education and channel at their totals), and education × channel crossed with sex, the country (when the
 * table has one) and whatever has no total (a measure; TIME_PERIOD when the period is not broken down), the
 * rest at their totals — so a flow by month gives education × channel over the whole period. That adds at
 * most 5 × countries × 66 cells to a table, whatever the period and frequency, where crossing every
 * dimension would multiply it by 66 and put a monthly flow over five years past MAX_CELLS.
 */
export function coreTabulation(own: readonly Dimension[]): Tabulation {
  const dimensions = withCoreDisaggregations(own);
  const kept: DimensionId[] = ['SEX', 'COUNTERPART_AREA'];
  const core = dimensions.filter((d) => kept.includes(d.id) || !d.hasTotal || d.id === 'EDUCATION' || d.id === 'RECRUITMENT_CHANNEL');
  return new Tabulation(dimensions, [own.map((d) => d.id), core.map((d) => d.id)]);
}
