import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSnapshot } from './adapter.js';
import { layOut, loadVectors, removeScratch, scratch } from './vectors.js';

const root = scratch();
afterAll(() => removeScratch(root));

describe('PROTOCOL.md 3: the state snapshot (conformance/state)', () => {
  for (const vector of loadVectors('state')) {
    const run = async () => {
      const dir = join(root, vector.name);
      mkdirSync(dir, { mode: 0o700 });
      layOut(dir, vector.files);
      expect(await readSnapshot(join(dir, 'state.json'))).toEqual(vector.expected);
    };
    if (vector.known_failure) it.fails(`${vector.name} (known failure: ${vector.known_failure})`, run);
    else it(vector.name, run);
  }
});
