import { defineContract } from '@fipc/core';
import { defineContract as portableDefineContract } from '@fipc/core/portable';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

describe('defineContract', () => {
  it('returns the parts as given (frozen), with empty maps for the parts left out', () => {
    const progress = z.object({ percent: z.number() });
    const contract = defineContract({ events: { progress } });
    expect(contract).toEqual({ events: { progress }, state: undefined, requests: {} });
    expect(Object.isFrozen(contract)).toBe(true);
    expect(portableDefineContract).toBe(defineContract);
  });

  it('refuses what is no Standard Schema, and reserved or empty event types, with INVALID_OPTIONS', () => {
    const schema = z.object({});
    const bad = [
      { events: { 'fipc:reset': schema } },
      { events: { '': schema } },
      { events: { progress: {} } },
      { events: null },
      { requests: null },
      { state: { parse: () => ({}) } },
      { requests: { approve: { payload: schema } } },
      { requests: { approve: { payload: schema, answer: 'yes' } } },
    ];
    for (const parts of bad)
      expect(() => defineContract(parts as never), JSON.stringify(parts)).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTIONS' }),
      );
  });
});
