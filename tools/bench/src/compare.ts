/**
 * Two-sided exact rank test (Mann-Whitney U) of two small samples: the probability, were both drawn from one
 * distribution, of a split of the pooled values at least as uneven as this one. Exact by enumerating every
 * split, which a bench's few rounds allow (5 + 5 rounds: 252 splits). Ties count half.
 *
 * @example
 * rankTest([1.1, 1.2, 1.3], [1.5, 1.6, 1.7]); // 0.1: 3 rounds a side can never say less
 */
export function rankTest(a: readonly number[], b: readonly number[]): number {
  const pooled = [...a, ...b];
  const u = (picked: readonly number[]) => {
    let sum = 0;
    for (const i of picked)
      for (let j = 0; j < pooled.length; j++) {
        if (picked.includes(j)) continue;
        sum += pooled[i]! < pooled[j]! ? 1 : pooled[i] === pooled[j] ? 0.5 : 0;
      }
    return sum;
  };
  const centre = (a.length * b.length) / 2;
  const observed = Math.abs(u(a.map((_, i) => i)) - centre);
  let extreme = 0;
  let splits = 0;
  for (const picked of combinations(pooled.length, a.length)) {
    splits++;
    if (Math.abs(u(picked) - centre) >= observed - 1e-9) extreme++;
  }
  return extreme / splits;
}

function* combinations(n: number, k: number, from = 0, picked: number[] = []): Generator<number[]> {
  if (picked.length === k) yield picked;
  else for (let i = from; i <= n - (k - picked.length); i++) yield* combinations(n, k, i + 1, [...picked, i]);
}

/** Below this, a difference between the rounds of two subjects is called real. */
export const SIGNIFICANCE = 0.05;

/** A sample of rounds with its median. */
export interface Rounds {
  median: number;
  samples: readonly number[];
}

/**
 * Whether `ours` is better or worse than `other` for a metric, or within the noise of the rounds: a
 * difference of medians counts only when the rank test gives it less than {@link SIGNIFICANCE}.
 *
 * @example
 * compare({ median: 2.2, samples: [2.1, 2.2, 2.0, 2.3, 2.2] }, { median: 1.2, samples: [1.2, 1.1, 1.3, 1.2, 1.2] }, 'lower');
 * // { verdict: 'worse', p: 0.0079 }
 */
export function compare(
  ours: Rounds,
  other: Rounds,
  better: 'higher' | 'lower',
): { verdict: 'better' | 'worse' | 'within noise'; p: number } {
  const p = rankTest(ours.samples, other.samples);
  if (p >= SIGNIFICANCE) return { verdict: 'within noise', p };
  return { verdict: ours.median > other.median === (better === 'higher') ? 'better' : 'worse', p };
}
