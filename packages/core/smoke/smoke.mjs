// Run by `pnpm smoke` against the packed @fipc/core installed alone with npm.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FipcError, LineScanner, readJsonFileSync, writeFileAtomicSync } from '@fipc/core';

const dir = mkdtempSync(join(tmpdir(), 'fipc-core-smoke-'));
const file = join(dir, 'a.json');
assert.equal(writeFileAtomicSync(file, '{"a":1}\n', { durability: 'fsync' }), true);
assert.deepEqual(readJsonFileSync(file), { a: 1 });
assert.deepEqual(readdirSync(dir), ['a.json']);
assert.throws(
  () => readJsonFileSync(join(dir, 'b.json')),
  (error) => error instanceof FipcError && error.code === 'NOT_FOUND',
);
const lines = [];
new LineScanner(0).scan(Buffer.from('x\ny\n'), (line) => lines.push(line.toString()));
assert.deepEqual(lines, ['x', 'y']);
console.log('core: atomic write, strict JSON read, line scanner ok');
