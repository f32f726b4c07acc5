import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NatsServer, natsSkipReason, spawnTs, tempDir } from '@fipc/test-utils';
import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { connection } from './helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));

describe.skipIf(natsSkipReason())('requests across hosts', () => {
  it('4 requesters x 200 requests on two hosts, 3 responders, one killed with -9 holding claims: each request settled exactly once', async () => {
    const server = await NatsServer.start();
    const root = tempDir();
    const hosts = ['host-a', 'host-b'].map((name) => {
      const dir = join(root, name);
      mkdirSync(dir);
      return dir;
    });
    const instanceId = 'shared job';
    const handledLog = (host: string) => join(host, 'handled.log');
    const responder = (host: string, delayMs: number) =>
      spawnTs(fixture('responder'), [server.url, instanceId, handledLog(host), String(delayMs)], {
        cwd: host,
      });
    const victim = responder(hosts[0]!, 300);
    const survivors = [responder(hosts[1]!, 10), responder(hosts[1]!, 10)];
    await Promise.all([victim, ...survivors].map((r) => r.waitForLine((line) => line === 'serving')));
    const requesters = hosts.flatMap((host, h) =>
      [0, 1].map((q) =>
        spawnTs(fixture('requester'), [server.url, instanceId, `h${h}q${q}`, '200', '8'], { cwd: host }),
      ),
    );
    // The victim holds claims (its handler takes 300 ms): kill it in the middle of its tenth.
    await victim.waitForLine(
      (line) => line.startsWith('claim') && victim.lines.filter((l) => l.startsWith('claim')).length >= 10,
    );
    await victim.kill9();
    const claimedByVictim = new Set(
      victim.lines.filter((l) => l.startsWith('claim')).map((l) => l.split(' ')[1]),
    );
    await Promise.all(requesters.map((r) => r.waitForLine((line) => line === 'done', 90_000)));
    for (const survivor of survivors) survivor.process.kill('SIGTERM');
    await Promise.all(survivors.map((s) => s.exited));

    // Every request settled once, with an answer to itself.
    const settled = requesters.flatMap((r) => r.lines.filter((l) => l.startsWith('settled')));
    const ids = settled.map((l) => l.split(' ')[1]!);
    expect(settled).toHaveLength(800);
    expect(new Set(ids).size).toBe(800);
    for (const line of settled) {
      const [, id, status, answer] = line.split(' ');
      expect(status).toBe('answered');
      expect(JSON.parse(answer!).id).toBe(id);
    }
    // One outcome per request: the bucket never overwrote a key (every create was the first).
    const nc = await connection(server.url);
    const state = (await (await jetstreamManager(nc)).streams.info('KV_fipc-responses')).state;
    expect([state.messages, state.last_seq]).toEqual([800, 800]);
    // Handled once each; twice only where the victim died holding the claim.
    const handled = hosts.flatMap((host) => readFileSync(handledLog(host), 'utf8').trim().split('\n'));
    const runs = new Map<string, number>();
    for (const line of handled) runs.set(line.split(' ')[0]!, (runs.get(line.split(' ')[0]!) ?? 0) + 1);
    expect(runs.size).toBe(800);
    const twice = [...runs].filter(([, n]) => n > 1).map(([id]) => id);
    expect(twice.length).toBeGreaterThan(0);
    for (const id of twice) {
      expect(runs.get(id)).toBe(2);
      expect(claimedByVictim.has(id)).toBe(true);
    }
    const summaries = survivors.map((s) =>
      JSON.parse(s.lines.find((l) => l.startsWith('summary'))!.slice(8)),
    );
    expect(summaries.reduce((sum, s) => sum + s.answered, 0)).toBe(
      800 - (claimedByVictim.size - twice.length),
    );
  });
});
