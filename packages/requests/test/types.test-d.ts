// Type tests (vitest typecheck): requests and handlers typed by kind from the contract.
import { request, serveRequests } from '@fipc/requests';
import { describe, expectTypeOf, it } from 'vitest';
import { contract } from './fixtures/contract.js';

const { requests } = contract;

describe('request', () => {
  it('takes the payload of its kind and resolves with the answer output', async () => {
    const answer = await request('run', 'approve', { question: 'deploy?' }, { requests });
    expectTypeOf(answer).toEqualTypeOf<{ approved: boolean; comment: string }>();
    const renamed = await request('run', 'rename', { name: 'x' }, { requests });
    expectTypeOf(renamed).toEqualTypeOf<{ name: string }>();
  });

  it('refuses a wrong payload, a missing field and a kind the contract lacks', () => {
    // @ts-expect-error: question is a string
    void request('run', 'approve', { question: 1 }, { requests });
    // @ts-expect-error: question is required
    void request('run', 'approve', {}, { requests });
    // @ts-expect-error: no such kind
    void request('run', 'deploy', { question: 'x' }, { requests });
    // @ts-expect-error: the payload of rename, not of approve
    void request('run', 'rename', { question: 'x' }, { requests });
  });

  it('without a contract, the payload is anything and the answer the schema output or unknown', async () => {
    expectTypeOf(await request('run', 'ask', 42)).toEqualTypeOf<unknown>();
    const approval = requests.approve.answer;
    expectTypeOf(await request('run', 'ask', 42, { schema: approval })).toEqualTypeOf<{
      approved: boolean;
      comment: string;
    }>();
  });
});

describe('serveRequests', () => {
  it('gives each handler its typed payload and checks its answer', () => {
    void serveRequests(
      'run',
      {
        approve: (payload, { kind }) => {
          expectTypeOf(payload).toEqualTypeOf<{ question: string; level: number }>();
          expectTypeOf(kind).toEqualTypeOf<string | undefined>();
          return { approved: true };
        },
        rename: async ({ name }) => ({ name }),
      },
      { requests },
    );
  });

  it('refuses a wrong answer type and a missing handler', () => {
    const wrong = { approve: () => ({ approved: 'yes' }), rename: (p: { name: string }) => p };
    // @ts-expect-error: approved is a boolean
    void serveRequests('run', wrong, { requests });
    // @ts-expect-error: rename has no handler
    void serveRequests('run', { approve: () => ({ approved: true }) }, { requests });
  });

  it('without a contract, payloads are unknown', () => {
    void serveRequests('run', (payload) => expectTypeOf(payload).toEqualTypeOf<unknown>());
  });
});
