/**
 * The fairness audit shown with every shortlist: women's share of the top k beside their share of the
 * eligible pool, the ratio of the two, and the four-fifths rule (US Uniform Guidelines, 29 CFR 1607.4(D)):
 * the selection rate of the less selected sex (its members in the top k ÷ its members in the pool) is at
 * least four fifths of the more selected sex's. Only F and M are compared; other and unknown count in the
 * totals. Sex is read for this audit only, from a table the scoring never reads.
 */

export type SexCode = 'F' | 'M' | 'O' | 'U';

export interface SexCounts {
  total: number;
  women: number;
  men: number;
}

export interface FairnessAudit {
  topK: SexCounts & { womenShare: number | null };
  pool: SexCounts & { womenShare: number | null };
  /** womenShare of the top k ÷ womenShare of the pool; null when the pool has no women or the list is empty. */
  shareRatio: number | null;
  /** Women's selection rate and men's (top k ÷ pool of that sex). */
  selectionRate: { women: number | null; men: number | null };
  /** Lower selection rate ÷ higher; null when a sex is absent from the pool or nobody was selected. */
  impactRatio: number | null;
  /** impactRatio ≥ 0.8, decided exactly in integers; null when it cannot be computed. */
  passesFourFifths: boolean | null;
}

export function countSexes(sexes: readonly SexCode[]): SexCounts {
  return { total: sexes.length, women: sexes.filter((s) => s === 'F').length, men: sexes.filter((s) => s === 'M').length };
}

/** Rounded to 4 decimals for the answer; the pass/fail decision never uses these. */
const ratio = (a: number, b: number): number | null => (b === 0 ? null : Math.round((a / b) * 10000) / 10000);

export function fairnessAudit(topK: SexCounts, pool: SexCounts): FairnessAudit {
  const rateW = ratio(topK.women, pool.women);
  const rateM = ratio(topK.men, pool.men);
  let impactRatio: number | null = null;
  let passes: boolean | null = null;
  if (pool.women > 0 && pool.men > 0 && topK.women + topK.men > 0) {
    // rate_w = tw/pw, rate_m = tm/pm; compare tw·pm with tm·pw to avoid any rounding.
    const w = topK.women * pool.men;
    const m = topK.men * pool.women;
    const [low, high] = w <= m ? [w, m] : [m, w];
    impactRatio = ratio(low, high);
    passes = 5 * low >= 4 * high;
  }
  const shareTop = ratio(topK.women, topK.total);
  const sharePool = ratio(pool.women, pool.total);
  return {
    topK: { ...topK, womenShare: shareTop },
    pool: { ...pool, womenShare: sharePool },
    shareRatio: topK.total === 0 || pool.women === 0 ? null : ratio(topK.women * pool.total, topK.total * pool.women),
    selectionRate: { women: rateW, men: rateM },
    impactRatio,
    passesFourFifths: passes,
  };
}
