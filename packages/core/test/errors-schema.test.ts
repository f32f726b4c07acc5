import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describe, expect, it } from 'vitest';
import { FipcError, formatIssues, onAbort, validate, validateSync } from '../src/index.js';

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
