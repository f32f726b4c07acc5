// Writes `count` snapshots `{ seq }` to the state file, `gapMs` apart, and prints the monotonic time (ns,
// `process.hrtime.bigint()`, the same clock in every process) at which each write started: the latency
// measured includes the write itself (taken after the rename, a watcher on the other core is often first).
import { writeState } from '@fipc/state';

const [path, count, gapMs] = process.argv.slice(2) as [string, string, string];
const done: string[] = [];
for (let seq = 1; seq <= Number(count); seq++) {
  done.push(String(process.hrtime.bigint()));
  await writeState(path, { seq });
  await new Promise((resolve) => setTimeout(resolve, Number(gapMs)));
}
console.log(`__DONE__${JSON.stringify(done)}`);
