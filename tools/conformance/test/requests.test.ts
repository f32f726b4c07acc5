import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listAll } from './adapter.js';
import { type ExpectedRequest, layOut, loadVectors, parsedFile, removeScratch, scratch } from './vectors.js';

const root = scratch();
afterAll(() => removeScratch(root));

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('PROTOCOL.md 4: requests and responses (conformance/requests)', () => {
  for (const vector of loadVectors('requests')) {
    const run = async () => {
      const dir = join(root, vector.name);
      mkdirSync(dir, { mode: 0o700 });
      layOut(dir, vector.files);
      const result = await listAll(dir);
      if ('error' in vector.expected) {
        expect(result).toEqual(vector.expected);
        return;
      }
      if ('error' in result) throw new Error(`listing failed with ${result.error}`);
      const listed = [...result.requests].sort(byId);
      const summary = listed.map(({ request: _, responseRecord: __, ...rest }): ExpectedRequest => rest);
      expect(summary).toEqual([...vector.expected.requests].sort(byId));
      // The listing carries the files as they are: the whole request, and the response when it is valid.
      for (const { id, request, response, responseRecord } of listed) {
        expect(request).toEqual(parsedFile(vector.files, `input-requests/${id}.json`));
        if (response === 'valid')
          expect(responseRecord).toEqual(parsedFile(vector.files, `input-requests/${id}.response`));
      }
    };
    if (vector.known_failure) it.fails(`${vector.name} (known failure: ${vector.known_failure})`, run);
    else it(vector.name, run);
  }
});
