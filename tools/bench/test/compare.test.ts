import { describe, expect, it } from 'vitest';
import { compare, rankTest } from '../src/compare.js';

const rounds = (...samples: number[]) => ({
  median: [...samples].sort((a, b) => a - b)[samples.length >> 1]!,
  samples,
});

describe('rankTest', () => {
  it('gives the exact two-sided probability of a split at least this uneven', () => {
    expect(rankTest([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toBeCloseTo(2 / 252, 12);
    expect(rankTest([6, 7, 8, 9, 10], [1, 2, 3, 4, 5])).toBeCloseTo(2 / 252, 12);
    expect(rankTest([1.1, 1.2, 1.3], [1.5, 1.6, 1.7])).toBeCloseTo(2 / 20, 12);
    // U = 10 against a centre of 12.5: 174 of the 252 splits are as far from it or further.
    expect(rankTest([1, 3, 5, 7, 9], [2, 4, 6, 8, 10])).toBeCloseTo(174 / 252, 12);
  });

  it('counts ties half, so equal samples are indistinguishable', () => {
    expect(rankTest([1, 1, 1], [1, 1, 1])).toBe(1);
    expect(rankTest([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])).toBe(1);
  });
});

describe('compare', () => {
  const slow = rounds(2.1, 2.2, 2.0, 2.3, 2.2);
  const fast = rounds(1.2, 1.1, 1.3, 1.2, 1.2);

  it('calls a difference by the direction the metric prefers', () => {
    expect(compare(slow, fast, 'lower').verdict).toBe('worse');
    expect(compare(fast, slow, 'lower').verdict).toBe('better');
    expect(compare(slow, fast, 'higher').verdict).toBe('better');
  });

  it('calls overlapping rounds within noise, whatever their medians', () => {
    const result = compare(rounds(1.0, 1.4, 1.2, 1.6, 1.3), rounds(1.1, 1.5, 1.25, 1.35, 1.2), 'lower');
    expect(result.verdict).toBe('within noise');
    expect(result.p).toBeGreaterThan(0.05);
  });

  it('never calls three rounds a side apart at the 5 % level (their least p is 0.1)', () => {
    expect(compare(rounds(3, 3.1, 3.2), rounds(1, 1.1, 1.2), 'lower').verdict).toBe('within noise');
  });
});
