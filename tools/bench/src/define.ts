/** How a metric is judged. */
export interface Metric {
  unit: string;
  better: 'higher' | 'lower';
}

/**
 * A goal: a ratio of ours to a baseline (`against`), or an absolute bound on our own median.
 * Ratios are always ours / baseline, so for a latency "within 3x" is `{ against, max: 3 }`.
 */
export interface Goal {
  metric: string;
  against?: string;
  min?: number;
  max?: number;
}

/** Numbers one run of a subject measured, by metric name. */
export type Sample = Record<string, number>;

/**
 * One benchmark: ours and its baselines, each run `rounds` times in fresh processes, interleaved.
 *
 * @example
 * export default [
 *   defineBench({
 *     name: 'events.append',
 *     metrics: { throughput: { unit: 'records/s', better: 'higher' } },
 *     ours: 'fipc',
 *     subjects: { fipc: async () => ({ throughput: 1 }), floor: async () => ({ throughput: 1 }) },
 *     goals: [{ metric: 'throughput', against: 'floor', min: 0.85 }],
 *   }),
 * ];
 */
export interface Bench {
  name: string;
  description: string;
  metrics: Record<string, Metric>;
  /** The subject that is ours; every other subject is a baseline. */
  ours: string;
  subjects: Record<string, () => Promise<Sample>>;
  /** @default 5 */
  rounds?: number;
  goals?: Goal[];
}

export function defineBench(bench: Bench): Bench {
  return bench;
}

/** The p-th percentile (0..100) of `values`. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Milliseconds elapsed since `start` (from `process.hrtime.bigint()`). */
export const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
export { lineTail } from './line-tail.js';
