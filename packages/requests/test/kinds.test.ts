import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request, serveRequests } from '@fipc/requests';
import { spawnTs, tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { contract } from './fixtures/contract.js';
import { rejection } from './helpers.js';

const requestFile = (dir: string, id: string) =>
  JSON.parse(readFileSync(join(dir, 'input-requests', `${id}.json`), 'utf8'));

describe('request kinds from a contract', () => {
  it('a typed requester and a typed responder in another process: kind on disk, payload and answer validated', async () => {
    const dir = tempDir();
    const responder = spawnTs(join(import.meta.dirname, 'fixtures', 'typed-responder.ts'), [dir]);
    await responder.waitForLine((l) => l === 'ready');
    try {
      const options = { requests: contract.requests, timeoutMs: 60_000 };
      const answer = await request(dir, 'approve', { question: 'deploy 42?' }, { ...options, id: 'a1' });
      expect(answer).toEqual({ approved: true, comment: 'level 1' }); // the answer schema's output (trimmed)
      // The file records the kind for any responder (Python, shell) and holds the payload schema's output.
      expect(requestFile(dir, 'a1')).toMatchObject({
        kind: 'approve',
        payload: { question: 'deploy 42?', level: 1 },
      });

      // An answer the responder's own schema rejects is never written as an answer.
      const broken = await rejection(request(dir, 'rename', { name: 'x' }, { ...options, id: 'r1' }));
      expect(broken.code).toBe('RESPONDER_ERROR');
      expect(broken.responseError).toMatchObject({ code: 'SCHEMA_MISMATCH' });

      // Untyped requesters may write anything: a kind nobody serves, a payload that fails the kind's schema.
      const unknown = await rejection(request(dir, 'deploy', {}, { id: 'u1', timeoutMs: 60_000 }));
      expect(unknown.responseError).toMatchObject({ code: 'MALFORMED_REQUEST' });
      const invalid = await rejection(
        request(dir, 'approve', { question: 7 }, { id: 'i1', timeoutMs: 60_000 }),
      );
      expect(invalid.responseError).toMatchObject({ code: 'SCHEMA_MISMATCH' });
    } finally {
      responder.process.kill('SIGTERM');
      await responder.exited;
    }
    expect(responder.lines.filter((l) => l.startsWith('SKIP '))).toEqual([
      'SKIP request "u1" has kind "deploy", which is not served here',
      expect.stringMatching(
        /^SKIP the payload of "i1" does not match the schema of "approve": at question: /,
      ),
    ]);
    expect(responder.lines.at(-1)).toBe(`DONE ${JSON.stringify({ answered: 1, failed: 3 })}`);
  });

  it('a typed requester validates the payload before writing anything, and refuses a kind the contract lacks', async () => {
    const dir = tempDir();
    const options = { requests: contract.requests, id: 'x' };
    // @ts-expect-error: question is a string
    const wrong = await rejection(request(dir, 'approve', { question: 1 }, options));
    expect(wrong.code).toBe('SCHEMA_MISMATCH');
    // @ts-expect-error: no such kind in the contract
    expect((await rejection(request(dir, 'deploy', {}, options))).code).toBe('INVALID_OPTIONS');
    expect((await rejection(request(dir, '', {}, { id: 'y' }))).code).toBe('INVALID_OPTIONS');
    expect(existsSync(join(dir, 'input-requests'))).toBe(false); // nothing written, not even the directory
  });

  it('the same id with another kind is ID_IN_USE', async () => {
    const dir = tempDir();
    const first = request(dir, 'ask', { n: 1 }, { id: 'same', timeoutMs: 60_000 });
    first.catch(() => {});
    expect((await rejection(request(dir, 'tell', { n: 1 }, { id: 'same' }))).code).toBe('ID_IN_USE');
  });

  it("a function handler serves every kind, including the original's requests without one", async () => {
    const dir = tempDir();
    const stop = new AbortController();
    const kinds: unknown[] = [];
    const served = serveRequests(
      dir,
      (_payload, { kind }) => {
        kinds.push(kind);
        return kind ?? 'none';
      },
      { signal: stop.signal, pollMs: 50 },
    );
    expect(await request(dir, 'ask', null, { id: 'k' })).toBe('ask');
    const original = {
      request_id: 'old',
      schema: {},
      requested_at: new Date().toISOString(),
      response: null,
    };
    writeFileSync(join(dir, 'input-requests', 'old.json'), JSON.stringify(original));
    const { awaitResponse } = await import('@fipc/requests');
    expect(await awaitResponse(dir, 'old')).toBe('none');
    stop.abort();
    expect(await served).toEqual({ answered: 2, failed: 0 });
    expect(kinds).toEqual(['ask', undefined]);
  });
});
