/**
 * Seeded randomness. Every worker has a stream of its own, derived from (seed, country, index), so that
 * worker 42 is the same person whether 100 or a million are generated, and generation can be split up.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(list: readonly T[]): T;
  weighted<T>(table: Weighted<T>): T;
  /** Log-normal with the given median and shape (sigma of the underlying normal). */
  logNormal(median: number, sigma: number): number;
}

/** A discrete distribution: values with relative weights (they need not add up to 1 or 100). */
export type Weighted<T> = readonly (readonly [T, number])[];

/** 32-bit string hash (FNV-1a), for turning names into seeds. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** sfc32 seeded through splitmix32: small, fast, well mixed, and the same sequence on every platform. */
export function seededRandom(...parts: readonly (string | number)[]): Random {
  let s = hash32(parts.join('\u0001'));
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (list) => {
      if (list.length === 0) throw new Error('pick from an empty list');
      return list[Math.floor(next() * list.length)]!;
    },
    weighted: (table) => {
      let total = 0;
      for (const [, w] of table) total += w;
      let r = next() * total;
      for (const [value, w] of table) if ((r -= w) < 0) return value;
      return table[table.length - 1]![0];
    },
    logNormal: (median, sigma) => {
      // Box-Muller; 1 - u keeps the logarithm finite.
      const u = 1 - next();
      const v = next();
      return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    },
  };
  return random;
}

/** The weights of a table as shares that add up to 1. */
export function shares<T>(table: Weighted<T>): Map<T, number> {
  const total = table.reduce((s, [, w]) => s + w, 0);
  const out = new Map<T, number>();
  for (const [value, w] of table) out.set(value, (out.get(value) ?? 0) + w / total);
  return out;
}
