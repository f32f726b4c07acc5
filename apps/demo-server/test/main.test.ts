import { createServer } from 'node:net';
import { join } from 'node:path';
import { spawnTs, tempDir } from '@fipc/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';

const main = join(import.meta.dirname, '../src/main.ts');

/** `count` different ports that were free a moment ago. */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  for (const server of servers) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  return ports;
}

/** Starts `pnpm demo` with `env` and resolves with the URL it prints. */
async function printedUrl(env: Record<string, string>, args: string[] = []) {
  const { PORT: _, DEMO_PORT: __, ...inherited } = process.env;
  const child = spawnTs(main, ['--runs-dir', tempDir('fipc-demo-main-'), ...args], {
    env: { ...inherited, ...env },
  });
  onTestFinished(async () => {
    child.process.kill();
    await child.exited;
  });
  const line = await child.waitForLine((text) => text.startsWith('open http://'), 60_000);
  return new URL(line.slice('open '.length));
}

describe('pnpm demo (the server command)', () => {
  it('prints its usage with --help and exits 0, naming PORT and DEMO_PORT', async () => {
    for (const flag of ['--help', '-h']) {
      const child = spawnTs(main, [flag]);
      expect(await child.exited).toEqual({ code: 0, signal: null });
      expect(child.stdout).toMatch(/^usage: pnpm demo /);
      expect(child.stdout).toContain('env PORT, then DEMO_PORT');
    }
  });

  it('listens on PORT, else DEMO_PORT; --port overrides both', async () => {
    const [a, b, c] = await freePorts(3);
    expect((await printedUrl({ PORT: String(a), DEMO_PORT: String(b) })).port).toBe(String(a));
    expect((await printedUrl({ DEMO_PORT: String(b) })).port).toBe(String(b));
    expect((await printedUrl({ PORT: String(a) }, ['--port', String(c)])).port).toBe(String(c));
  });

  it('refuses a bad PORT with exit code 2 and says where the value came from', async () => {
    const child = spawnTs(main, [], { env: { ...process.env, PORT: 'eighty' } });
    expect((await child.exited).code).toBe(2);
    expect(child.stderr).toContain('the port (--port, PORT or DEMO_PORT) must be 0 to 65535, not "eighty"');
  });
});
