import { join } from 'node:path';
import type { Skip } from '@fipc/core';
import { openEventLog } from '@fipc/events';
import { createSseStream } from '@fipc/sse';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { contract } from './fixtures/contract.js';

const decoder = new TextDecoder();
async function frames(stream: ReadableStream<Uint8Array>) {
  let text = '';
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text
    .split('\n\n')
    .filter((frame) => frame.startsWith('id: '))
    .map((frame) => {
      const fields = Object.fromEntries(
        frame.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
      );
      return { id: fields.id, event: fields.event, record: JSON.parse(fields.data ?? 'null') };
    });
}

async function writeLog() {
  const path = join(tempDir(), 'events.jsonl');
  const log = openEventLog(path);
  await log.emit('progress', { data: { percent: 150 } }); // the contract says at most 100
  await log.emit('debug', { data: {} }); // not in the contract
  await log.emit('progress', { data: { percent: 50, secret: 'x' } });
  await log.emit('completed');
  await log.emit('progress', { data: { percent: 60 } }); // after the terminal record
  await log.close();
  return path;
}

describe('record options of the server', () => {
  it('events: records the contract refuses are not sent and are told to onSkip; terminal sees validated records', async () => {
    const path = await writeLog();
    const skipped: Skip[] = [];
    const sent = await frames(
      createSseStream(path, {
        events: contract.events,
        terminal: (record) => record.event_type === 'completed' && record.data.outcome === 'done', // the default
        onSkip: (skip) => skipped.push(skip),
      }),
    );
    expect(sent.map((f) => [f.event, f.record.seq])).toEqual([
      ['progress', 3],
      ['completed', 4],
    ]);
    expect(skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/^invalid data for "progress": at percent: /),
      'unknown event type "debug"',
    ]);
    expect(skipped[0]).toMatchObject({ path, offset: 0 });
    // A resume after the terminal record is empty (its id was checked with the contract too).
    expect(
      await frames(
        createSseStream(path, { events: contract.events, terminal: 'completed', lastEventId: sent[1]!.id }),
      ),
    ).toEqual([]);
  });

  it("eventName 'message' sends no event: line; map redacts or drops, and a resume goes on after a dropped record", async () => {
    const path = await writeLog();
    const options = {
      eventName: 'message',
      terminal: 'completed',
      map: (record) => {
        if (record.event_type === 'debug') return undefined;
        const { secret: _, ...data } = record.data;
        return { ...record, data };
      },
    } satisfies Parameters<typeof createSseStream>[1];
    const sent = await frames(createSseStream(path, options));
    expect(sent.map((f) => [f.event, f.record.seq, f.record.data])).toEqual([
      [undefined, 1, { percent: 150 }],
      [undefined, 3, { percent: 50 }],
      [undefined, 4, {}],
    ]);
    const resumed = await frames(createSseStream(path, { ...options, lastEventId: sent[0]!.id }));
    expect(resumed.map((f) => f.record.seq)).toEqual([3, 4]);
  });
});
