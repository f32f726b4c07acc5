// Writes `count` snapshots `{ seq }` to the state file, `gapMs` apart, and prints the monotonic time (ns,
// `process.hrtime.bigint()`, the same clock in every process) at which each write started: the latency
// measured includes the write itself (taken after the rename, a watcher on the other core is often first).
// `warmup` snapshots without `seq` come first, unmeasured: the first writes and reads of a fresh process pay
// for compiling the code on both sides, which is not what a watcher costs.
import { writeState } from '@fipc/state';

const [path, count, gapMs, warmup = '0'] = process.argv.slice(2) as [string, string, string, string?];
for (let n = 0; n < Number(warmup); n++) {
  await writeState(path, { warmup: n });
  await new Promise((resolve) => setTimeout(resolve, Number(gapMs)));
}
const done: string[] = [];
for (let seq = 1; seq <= Number(count); seq++) {
  done.push(String(process.hrtime.bigint()));
  await writeState(path, { seq });
  await new Promise((resolve) => setTimeout(resolve, Number(gapMs)));
}
console.log(`__DONE__${JSON.stringify(done)}`);
