import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runTs } from '@fipc/test-utils';
import { compare } from './compare.js';
import type { Bench, Goal, Sample } from './define.js';

// `pnpm bench [name-filter] [--rounds N] [--against DIR]`: every benchmark of the workspace, ours beside its
// baselines. `--against` adds ours as another checkout builds it (a worktree of an older commit, installed),
// run in the same rounds, so a regression shows against the same machine state rather than an old table.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string' }, against: { type: 'string' } },
});
const root = join(import.meta.dirname, '../../..');
const benchFiles = (root: string) =>
  ['packages', 'apps']
    .flatMap((group) =>
      existsSync(join(root, group))
        ? readdirSync(join(root, group)).map((name) => join(root, group, name, 'bench'))
        : [],
    )
    .filter((dir) => existsSync(dir))
    .flatMap((dir) =>
      readdirSync(dir)
        .filter((name) => name.endsWith('.bench.ts'))
        .map((name) => join(dir, name)),
    );
const files = benchFiles(root);
const loadBenches = async (file: string): Promise<Bench[]> =>
  (await import(pathToFileURL(file).href)).default;

// The other checkout, labelled by its commit. Its benchmarks are never imported here (its modules are its own);
// each of ours runs there from the same file path under the same subject name, when it has one.
const againstRoot = values.against && resolve(values.against);
if (againstRoot && !existsSync(join(againstRoot, 'tools/bench/src/child.ts')))
  throw new Error(`--against ${values.against}: not a checkout of this repository with its bench runner`);
const label = againstRoot
  ? execFileSync('git', ['-C', againstRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
  : '';
const olderFile = (file: string) => {
  const older = againstRoot && join(againstRoot, relative(root, file));
  return older && existsSync(older) ? older : undefined;
};

interface Stats {
  median: number;
  min: number;
  max: number;
  samples: number[];
}
const stats = (samples: number[]): Stats => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, samples };
};

interface Result {
  name: string;
  metric: string;
  unit: string;
  better: string;
  ours: string;
  median: number;
  min: number;
  max: number;
  ratios: Record<string, number | null>;
  subjects: Record<string, Stats>;
  /** With --against, on ours' row: how the other checkout's rounds compare with ours. */
  against?: ReturnType<typeof compare> & { subject: string };
}
const results: Result[] = [];
const goals = [];
for (const file of files) {
  for (const bench of await loadBenches(file)) {
    if (positionals.length && !positionals.some((filter) => bench.name.includes(filter))) continue;
    const rounds = Number(values.rounds ?? bench.rounds ?? 5);
    const older = olderFile(file);
    const olderOurs = `${bench.ours}@${label}`;
    const subjects = [...Object.keys(bench.subjects), ...(older ? [olderOurs] : [])];
    const samples: Record<string, Sample[]> = Object.fromEntries(subjects.map((s) => [s, []]));
    console.error(`\n${bench.name}: ${bench.description}`);
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round so no subject always runs first (cold cache) or last.
      const order = subjects.map((_, i) => subjects[(i + round) % subjects.length]!);
      for (const subject of order) {
        const child =
          older && subject === olderOurs
            ? // The other checkout may not have this bench or subject: it is then left out, said once.
              await runTs(join(againstRoot!, 'tools/bench/src/child.ts'), [older, bench.name, bench.ours], {
                cwd: againstRoot!,
              }).catch((error: Error) => {
                console.error(`  ${olderOurs} left out: ${error.message.split('\n')[0]}`);
                subjects.splice(subjects.indexOf(olderOurs), 1);
                return undefined;
              })
            : await runTs(join(import.meta.dirname, 'child.ts'), [file, bench.name, subject], { cwd: root });
        if (!child) continue;
        const line = child.stdout.split('\n').findLast((l) => l.startsWith('__SAMPLE__'));
        if (!line) throw new Error(`${bench.name}/${subject} printed no sample`);
        samples[subject]!.push(JSON.parse(line.slice('__SAMPLE__'.length)));
        console.error(`  round ${round + 1}/${rounds} ${subject}: ${line.slice('__SAMPLE__'.length)}`);
      }
    }
    for (const [metric, { unit, better }] of Object.entries(bench.metrics)) {
      const bySubject = Object.fromEntries(
        subjects
          .map(
            (s) =>
              [
                s,
                samples[s]!.map((sample) => sample[metric]).filter((v): v is number => typeof v === 'number'),
              ] as const,
          )
          .filter(([, v]) => v.length > 0)
          .map(([s, v]) => [s, stats(v)]),
      );
      // Ours against every other subject; with --against, the other checkout's ours against the same baselines.
      const row = (who: string, name = bench.name) => {
        const ours = bySubject[who]!;
        const ratios: Record<string, number | null> = Object.fromEntries(
          Object.entries(bySubject)
            .filter(([s]) => s !== who && (who === bench.ours || s !== bench.ours))
            // A baseline at 0 (nothing missed, say) has no meaningful ratio.
            .map(([s, baseline]) => [s, baseline.median === 0 ? null : ours.median / baseline.median]),
        );
        const { median, min, max } = ours;
        results.push({
          name,
          metric,
          unit,
          better,
          ours: who,
          median,
          min,
          max,
          ratios,
          subjects: bySubject,
        });
        return { median, ratios };
      };
      if (!bySubject[bench.ours]) continue;
      const { median, ratios } = row(bench.ours);
      if (bySubject[olderOurs]) {
        const verdict = compare(bySubject[bench.ours]!, bySubject[olderOurs]!, better);
        results.at(-1)!.against = { subject: olderOurs, ...verdict };
        row(olderOurs, `${bench.name} @${label}`);
      }
      for (const goal of (bench.goals ?? []).filter((g) => g.metric === metric))
        goals.push(judge(bench.name, goal, median, ratios, unit));
    }
  }
}

function judge(
  name: string,
  goal: Goal,
  median: number,
  ratios: Record<string, number | null>,
  unit: string,
) {
  const value = goal.against ? ratios[goal.against] : median;
  const met =
    typeof value === 'number' &&
    (goal.min === undefined || value >= goal.min) &&
    (goal.max === undefined || value <= goal.max);
  const bound = [goal.min !== undefined && `>= ${goal.min}`, goal.max !== undefined && `<= ${goal.max}`]
    .filter(Boolean)
    .join(' and ');
  const what = goal.against ? `${goal.metric} ratio vs ${goal.against}` : `${goal.metric} (${unit})`;
  return { name, goal: `${what} ${bound}`, value, met };
}

const out = join(root, 'bench/results');
mkdirSync(out, { recursive: true });
const report = {
  generatedAt: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  results,
  goals,
};
writeFileSync(join(out, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);

const fmt = (n: number | null | undefined) =>
  n === undefined || n === null || !Number.isFinite(n)
    ? '-'
    : Math.abs(n) >= 100
      ? Math.round(n).toLocaleString('en')
      : n.toPrecision(3);
console.log('\n| benchmark | metric | ours (median) | min | max | vs baselines (ours / baseline) |');
console.log('|---|---|---|---|---|---|');
for (const r of results) {
  const vs = Object.entries(r.ratios)
    .map(([s, ratio]) => `${s}: ${fmt(ratio)}x (${fmt(r.subjects[s]?.median)})`)
    .join('; ');
  console.log(
    `| ${r.name} | ${r.metric} (${r.unit}) | ${fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.max)} | ${vs} |`,
  );
}
const compared = results.filter((r) => r.against);
if (compared.length) {
  // A difference of medians is called better or worse only when the rounds are apart beyond chance.
  console.log(
    `\n| benchmark | metric | ours | @${label} | ours / @${label} | rounds say (p, two-sided rank test) |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of compared) {
    const { subject, verdict, p } = r.against!;
    console.log(
      `| ${r.name} | ${r.metric} (${r.unit}) | ${fmt(r.median)} | ${fmt(r.subjects[subject]!.median)} | ${fmt(r.ratios[subject])}x | ${verdict} (p = ${p.toPrecision(2)}) |`,
    );
  }
  if (
    compared.some(
      (r) => Math.min(r.subjects[r.ours]!.samples.length, r.subjects[r.against!.subject]!.samples.length) < 4,
    )
  )
    console.log(
      '\nWith fewer than 4 rounds a side no difference can reach p < 0.05: use --rounds 5 or more.',
    );
}
console.log('\n| goal | value | met |\n|---|---|---|');
for (const g of goals) console.log(`| ${g.name}: ${g.goal} | ${fmt(g.value)} | ${g.met ? 'yes' : 'NO'} |`);
console.log(`\nwrote ${relative(process.cwd(), join(out, 'latest.json'))}`);
