import { describe, expect, it } from 'vitest';
import { FipcError, RequestAwareError, responseErrorInfo } from '../src/index.js';

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

  it('RequestAwareError: a FipcError naming the request and what its handler wrote; from() keeps them absent', () => {
    const responseError = { message: 'no such build', name: 'Error' };
    const error = new RequestAwareError('RESPONDER_ERROR', 'failed', {
      requestId: 'q1',
      responseError,
      path: 'p',
    });
    expect(error).toBeInstanceOf(FipcError);
    expect(error).toMatchObject({ code: 'RESPONDER_ERROR', requestId: 'q1', responseError, path: 'p' });
    const converted = RequestAwareError.from(new FipcError('DISK_FULL', 'full', { path: 'x' }));
    expect(converted).toMatchObject({ code: 'DISK_FULL', path: 'x', requestId: undefined });
  });
});
