/** A small seeded generator (mulberry32): fast-check gives the seed, so a failure names its case. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { chance: (p: number) => next() < p, int, pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)]! };
}
export type Random = ReturnType<typeof random>;
