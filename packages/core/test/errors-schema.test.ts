import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describe, expect, it } from 'vitest';
import {
  checkEventData,
  type EventSchemas,
  eventSchemasProblem,
  FipcError,
  formatIssues,
  onAbort,
  type RequestSchemas,
  requestSchemasProblem,
  validate,
  validateSync,
} from '../src/index.js';

class DemoError extends FipcError<'DISK_FULL' | 'IO_ERROR' | 'NOT_FOUND'> {
  override name = 'DemoError';
}

const asyncSchema: StandardSchemaV1<unknown, unknown> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: async () => ({ issues: [{ message: 'nope', path: ['a', { key: 'b' }] }] }),
  },
};

describe('errors', () => {
  it('from() keeps the code, path and cause of a core error, and maps errno errors', () => {
    const cause = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    const core = new FipcError('NOT_FOUND', 'gone', { path: '/x', cause });
    const wrapped = DemoError.from(core);
    expect(wrapped).toBeInstanceOf(DemoError);
    expect(wrapped).toMatchObject({
      name: 'DemoError',
      code: 'NOT_FOUND',
      path: '/x',
      message: 'gone',
      cause,
    });
    expect(DemoError.from(cause, '/y')).toMatchObject({ code: 'DISK_FULL', path: '/y', cause });
    expect(DemoError.from(wrapped)).toBe(wrapped);
  });
});

describe('schemas', () => {
  it('formats the first issue with its path', async () => {
    const result = await validate(asyncSchema, {});
    expect(result.issues && formatIssues(result.issues)).toBe('at a.b: nope');
    expect(formatIssues([])).toBe('rejected by the schema');
  });

  it('validateSync refuses an async schema with INVALID_OPTIONS and leaves no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      expect(() => validateSync(asyncSchema, {})).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTIONS' }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
  });
});

describe('checkEventData', () => {
  type Schema = EventSchemas[string];
  const schema = (validate: StandardSchemaV1['~standard']['validate']): Schema =>
    ({ '~standard': { version: 1, vendor: 'test', validate } }) as Schema;
  const events = {
    progress: schema((value) =>
      typeof (value as { percent?: unknown }).percent === 'number'
        ? { value: { ...(value as object), seen: true } }
        : { issues: [{ message: 'Expected number', path: ['percent'] }] },
    ),
    thrower: schema(() => {
      throw new Error('boom');
    }),
    later: schema(async (value) => ({ value })),
    refuses: schema(() => Promise.reject(new Error('down'))),
  };

  it('gives the output of a sync schema at once, and the reasons to skip in the words every reader uses', () => {
    expect(checkEventData(events, 'progress', { percent: 1 })).toEqual({
      ok: true,
      data: { percent: 1, seen: true },
    });
    expect(checkEventData(events, 'progress', {})).toEqual({
      ok: false,
      unknownType: false,
      reason: 'invalid data for "progress": at percent: Expected number',
      cause: [{ message: 'Expected number', path: ['percent'] }],
    });
    expect(checkEventData(events, 'nope', {})).toEqual({
      ok: false,
      unknownType: true,
      reason: 'unknown event type "nope"',
    });
    expect(checkEventData(events, 'toString', {})).toMatchObject({ ok: false, unknownType: true }); // own keys only
    const threw = checkEventData(events, 'thrower', {});
    expect(threw).toMatchObject({
      ok: false,
      unknownType: false,
      reason: 'the schema of "thrower" threw while validating',
    });
    expect((threw as { cause: Error }).cause.message).toBe('boom');
  });

  it('is a Promise that never rejects for an async schema', async () => {
    const later = checkEventData(events, 'later', { a: 1 });
    expect(later).toBeInstanceOf(Promise);
    await expect(later).resolves.toEqual({ ok: true, data: { a: 1 } });
    await expect(checkEventData(events, 'refuses', {})).resolves.toMatchObject({
      ok: false,
      reason: 'the schema of "refuses" threw while validating',
    });
  });
});

describe('eventSchemasProblem and requestSchemasProblem', () => {
  const ok = { '~standard': { version: 1, vendor: 'test', validate: (value: unknown) => ({ value }) } };
  it('name the first entry that is no Standard Schema, in the words of every INVALID_OPTIONS', () => {
    expect(eventSchemasProblem({ a: ok } as EventSchemas)).toBeUndefined();
    expect(eventSchemasProblem({ a: ok, b: {} } as unknown as EventSchemas)).toBe(
      'the schema of "b" is no Standard Schema',
    );
    expect(requestSchemasProblem({ ask: { payload: ok, answer: ok } } as RequestSchemas)).toBeUndefined();
    for (const schemas of [{ payload: ok }, { answer: ok }, null])
      expect(requestSchemasProblem({ ask: schemas } as unknown as RequestSchemas)).toBe(
        'request kind "ask" needs a Standard Schema as payload and as answer',
      );
  });

  it('name a map that is no object (null, an array) instead of throwing a TypeError', () => {
    for (const map of [null, [], 'x'] as unknown[]) {
      expect(eventSchemasProblem(map as EventSchemas)).toMatch(/^events must be an object/);
      expect(requestSchemasProblem(map as RequestSchemas)).toMatch(/^requests must be an object/);
    }
  });
});

describe('onAbort', () => {
  it('shares one listener on the signal among any number of subscribers (no MaxListenersExceededWarning)', async () => {
    const warnings: Error[] = [];
    const listener = (warning: Error) => warnings.push(warning);
    process.on('warning', listener);
    const controller = new AbortController();
    let called = 0;
    const offs = Array.from({ length: 50 }, () => onAbort(controller.signal, () => called++));
    offs[0]?.();
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.off('warning', listener);
    expect(called).toBe(49);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    let late = 0;
    onAbort(controller.signal, () => late++);
    await Promise.resolve();
    expect(late).toBe(1);
  });
});
