import { readSync } from 'node:fs';

/**
 * The floor's reader, shared by the benches and drivers that compare a follower with it: each call reads what
 * was appended to `fd` since the last one (from `position`) and passes on each complete line (empty ones too),
 * with nothing else in the way.
 *
 * @example
 * const read = lineTail((line) => line && arrived(JSON.parse(line)));
 * fsWatch(dir, () => read(fd));
 */
export function lineTail(onLine: (line: string) => void, position = 0, bufferBytes = 64 * 1024) {
  const buffer = Buffer.allocUnsafe(bufferBytes);
  let rest = '';
  return (fd: number): void => {
    for (let n = readSync(fd, buffer, 0, buffer.length, position); n > 0; ) {
      position += n;
      const lines = (rest + buffer.toString('utf8', 0, n)).split('\n');
      rest = lines.pop()!;
      for (const line of lines) onLine(line);
      n = readSync(fd, buffer, 0, buffer.length, position);
    }
  };
}
