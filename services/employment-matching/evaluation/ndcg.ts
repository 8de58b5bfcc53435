/**
 * nDCG@k with graded relevance (Järvelin & Kekäläinen 2002, the exponential gain of TREC and TalentCLEF):
 * DCG@k = Σ_{i=1..k} (2^rel_i − 1) / log2(i + 1); nDCG@k = DCG@k of the ranking ÷ DCG@k of the ideal order of
 * every judged item. A query with no relevant item is left out of a mean (its ideal DCG is 0).
 */
export function dcg(grades: readonly number[], k: number): number {
  return grades.slice(0, k).reduce((sum, rel, i) => sum + (2 ** rel - 1) / Math.log2(i + 2), 0);
}

/** nDCG@k of `ranked` (item ids, best first) against the judged grades of every item (unjudged = 0). */
export function ndcg(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number | undefined {
  const ideal = dcg(
    [...judged.values()].sort((a, b) => b - a),
    k,
  );
  if (ideal === 0) return undefined;
  return (
    dcg(
      ranked.map((id) => judged.get(id) ?? 0),
      k,
    ) / ideal
  );
}

export function mean(values: readonly (number | undefined)[]): number {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.reduce((a, b) => a + b, 0) / defined.length;
}

/** A seeded shuffle (mulberry32 + Fisher–Yates), for the random baseline. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
