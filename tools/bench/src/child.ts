import { pathToFileURL } from 'node:url';
import type { Bench } from './define.js';

// Runs one subject of one benchmark in this fresh process and prints its sample as the last stdout line.
const [file, name, subject] = process.argv.slice(2) as [string, string, string];
const benches: Bench[] = (await import(pathToFileURL(file).href)).default;
const bench = benches.find((candidate) => candidate.name === name);
const run = bench?.subjects[subject];
if (!run) throw new Error(`no subject ${subject} in ${name} (${file})`);
const sample = await run();
process.stdout.write(`\n__SAMPLE__${JSON.stringify(sample)}\n`);
process.exit(0);
