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
  /** Per position: the stride of that dimension in the crossing's cube. */
  readonly strides: readonly number[];
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
      const strides = new Array<number>(positions.length);
      for (let j = positions.length - 1, stride = 1; j >= 0; j--) {
        strides[j] = stride;
        stride *= dimensions[positions[j]!]!.codes.length;
      }
      this.parts.push({ cube, strides, positions, members: new Set(positions), offset });
      offset += cube.size;
    }
    if (offset > MAX_CELLS) {
      throw new TableTooLarge(
        `a table by ${dimensions.map((d) => d.id).join(' × ')} would have ${offset} cells, more than ${MAX_CELLS}: ask for a shorter period or a coarser frequency`,
      );
    }
    this.size = offset;
    this.index = dimensions.map((d) => new Map(d.codes.map((code, i) => [code.id, i])));
    this.resolved = new Array<number>(dimensions.length);
  }

  private readonly index: readonly Map<string, number>[];
  private readonly resolved: number[];

  /** Adds `amount` at the cell of these codes (one per dimension of the table, detailed codes only) in every crossing. */
  add(codes: readonly string[], amount = 1): void {
    // Each code is looked up once, whatever the number of crossings it goes into.
    for (let d = 0; d < this.dimensions.length; d++) {
      const i = this.index[d]!.get(codes[d]!);
      if (i === undefined) throw new RangeError(`${codes[d]} is not a code of ${this.dimensions[d]!.id}`);
      if (i === 0 && this.dimensions[d]!.hasTotal)
        throw new RangeError(`observations are added at detailed codes, not at the total of ${this.dimensions[d]!.id}`);
      this.resolved[d] = i;
    }
    for (const part of this.parts) {
      let cell = 0;
      for (let j = 0; j < part.positions.length; j++) cell += this.resolved[part.positions[j]!]! * part.strides[j]!;
      part.cube.addAtCell(cell, amount);
    }
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
    // Crossings as bit sets of the table's dimensions: a cell is given by an earlier crossing when every
    // dimension it has at a detailed code is one of that crossing's.
    const masks = this.parts.map((part) => part.positions.reduce((mask, i) => mask | (1 << i), 0));
    for (const [k, part] of this.parts.entries()) {
      const dimensions = part.positions.map((i) => this.dimensions[i]!);
      const sizes = dimensions.map((d) => d.codes.length);
      for (let cell = 0; cell < part.cube.size; cell++) {
        const codes = totals.slice();
        let detailed = 0;
        let rest = cell;
        for (let j = dimensions.length - 1; j >= 0; j--) {
          const size = sizes[j]!;
          const index = rest % size;
          rest = (rest - index) / size;
          const position = part.positions[j]!;
          codes[position] = dimensions[j]!.codes[index]!.id;
          if (index !== 0 && dimensions[j]!.hasTotal) detailed |= 1 << position;
        }
        let given = false;
        for (let e = 0; e < k && !given; e++) given = (detailed & ~masks[e]!) === 0;
        if (given) continue;
        yield { codes, value: part.cube.valueAt(cell), cell: part.offset + cell };
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
