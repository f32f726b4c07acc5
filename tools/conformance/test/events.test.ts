import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLog } from './adapter.js';
import { bytesOf, loadVectors, removeScratch, scratch } from './vectors.js';

const root = scratch();
afterAll(() => removeScratch(root));

describe('PROTOCOL.md 2: the event log (conformance/events)', () => {
  for (const vector of loadVectors('events')) {
    const run = async () => {
      const path = join(root, `${vector.name}.jsonl`);
      writeFileSync(path, bytesOf(vector.log));
      const result = await readLog(path, vector.options);
      expect(result.skipped).toEqual(vector.expected.skipped);
      expect(result.records).toEqual(vector.expected.records);
    };
    if (vector.known_failure) it.fails(`${vector.name} (known failure: ${vector.known_failure})`, run);
    else it(vector.name, run);
  }
});
