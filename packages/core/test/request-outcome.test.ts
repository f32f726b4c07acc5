import { describe, expect, it } from 'vitest';
import { responseErrorInfo } from '../src/index.js';

describe('responseErrorInfo', () => {
  it('keeps the message (else the name), the class name and a string code; anything else as text', () => {
    const withCode = Object.assign(new TypeError('bad'), { code: 'E_BAD' });
    expect(responseErrorInfo(withCode)).toEqual({ message: 'bad', name: 'TypeError', code: 'E_BAD' });
    expect(responseErrorInfo(Object.assign(new Error(''), { code: 42 }))).toEqual({
      message: 'Error',
      name: 'Error',
    });
    expect(responseErrorInfo('plain')).toEqual({ message: 'plain' });
    expect(responseErrorInfo(undefined)).toEqual({ message: 'undefined' });
  });
});
