import type { Dimension } from './codelists';

/**
 * The most cells a table may have. Tables are dense, and their rendering is one string: past a few
 * million cells it exceeds what a string can hold ("Invalid string length"). The request's bounds keep
 * reports well below; this says plainly when the data's own breadth (its countries) would not.
 */
export const MAX_CELLS = 2_000_000;

export class TableTooLarge extends RangeError {
  override readonly name = 'TableTooLarge';
}

/**
 * A dense table of sums over the cross product of some dimensions' codes. Observations are added at
 * their detailed codes; `withTotals` then fills every total cell (each dimension's first code when it
 * has one) by summing, dimension after dimension, so every combination of totals and details exists —
 * zero cells included. Sums are of integers, so the result does not depend on the order of additions.
 */
export class Cube {
  readonly size: number;
  private readonly strides: number[];
  private readonly index: Map<string, number>[];
  private readonly values: Float64Array;
  private totalled = false;

  constructor(readonly dimensions: readonly Dimension[]) {
    this.strides = new Array<number>(dimensions.length);
    let size = 1;
    for (let d = dimensions.length - 1; d >= 0; d--) {
      this.strides[d] = size;
      size *= dimensions[d]!.codes.length;
    }
    if (size > MAX_CELLS) {
      throw new TableTooLarge(
        `a table by ${dimensions.map((d) => d.id).join(' × ')} would have ${size} cells, more than ${MAX_CELLS}: ask for a shorter period or a coarser frequency`,
      );
    }
    this.size = size;
    this.values = new Float64Array(size);
    this.index = dimensions.map((dim) => new Map(dim.codes.map((code, i) => [code.id, i])));
  }

  /** Adds `amount` at the cell of these codes (one per dimension, detailed codes only). */
  add(codes: readonly string[], amount = 1): void {
    let cell = 0;
    for (let d = 0; d < codes.length; d++) {
      const i = this.index[d]!.get(codes[d]!);
      if (i === undefined) throw new RangeError(`${codes[d]} is not a code of ${this.dimensions[d]!.id}`);
      if (i === 0 && this.dimensions[d]!.hasTotal)
        throw new RangeError(`observations are added at detailed codes, not at the total of ${this.dimensions[d]!.id}`);
      cell += i * this.strides[d]!;
    }
    this.values[cell]! += amount;
  }

  /** Adds `amount` at a cell found by the caller (row-major: the last dimension varies fastest). */
  addAtCell(cell: number, amount: number): void {
    this.values[cell]! += amount;
  }

  /** The cell of these codes (one per dimension, totals included). */
  cellOf(codes: readonly string[]): number {
    let cell = 0;
    for (let d = 0; d < codes.length; d++) {
      const i = this.index[d]!.get(codes[d]!);
      if (i === undefined) throw new RangeError(`${codes[d]} is not a code of ${this.dimensions[d]!.id}`);
      cell += i * this.strides[d]!;
    }
    return cell;
  }

  withTotals(): this {
    if (this.totalled) return this;
    this.totalled = true;
    for (let d = 0; d < this.dimensions.length; d++) {
      const dimension = this.dimensions[d]!;
      if (!dimension.hasTotal) continue;
      const stride = this.strides[d]!;
      const n = dimension.codes.length;
      for (let cell = 0; cell < this.size; cell++) {
        if (Math.floor(cell / stride) % n !== 0) continue;
        let sum = 0;
        for (let i = 1; i < n; i++) sum += this.values[cell + i * stride]!;
        this.values[cell] = sum;
      }
    }
    return this;
  }

  /** Every cell in row order (the first dimension varies slowest), with its codes. */
  *cells(): Generator<{ readonly codes: readonly string[]; readonly value: number; readonly cell: number }> {
    for (let cell = 0; cell < this.size; cell++) yield { codes: this.codesOf(cell), value: this.values[cell]!, cell };
  }

  valueAt(cell: number): number {
    return this.values[cell]!;
  }

  private codesOf(cell: number): string[] {
    return this.dimensions.map((dimension, d) => dimension.codes[Math.floor(cell / this.strides[d]!) % dimension.codes.length]!.id);
  }
}
