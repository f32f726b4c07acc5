import { describe, expect, it } from 'vitest';
import { idOfToken, NatsBridgeError, subjectToken } from '../src/index.js';

describe('subjectToken / idOfToken', () => {
  it('turns any id into one token of [A-Za-z0-9_-], distinct and reversible', () => {
    const ids = ['run-1', 'eu.run_7', 'a.b', 'a_2Eb', '*', '>', 'x y', 'ü', '日本', '\n', '_', '__', 'A-z-0'];
    const tokens = ids.map(subjectToken);
    expect(tokens.slice(0, 2)).toEqual(['run-1', 'eu_2Erun_5F7']);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(new Set(tokens).size).toBe(ids.length);
    expect(tokens.map(idOfToken)).toEqual(ids);
    expect(idOfToken('a_2e')).toBeUndefined(); // not what any id encodes to
    expect(idOfToken('a.b')).toBeUndefined();
    expect(() => subjectToken('')).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(NatsBridgeError.from(new Error('x')).code).toBe('IO_ERROR');
  });
});
