import { describe, expect, it } from 'vitest';
import { bundleForBrowser } from './browser.js';

describe('the Node-free entries bundle for the browser', () => {
  for (const entry of ['@fipc/sse/client', '@fipc/core/portable']) {
    it(`${entry}: esbuild platform 'browser' resolves it, and no input or output imports node:`, async () => {
      const { code, inputs } = await bundleForBrowser(`export * from '${entry}';`);
      expect(inputs.filter((input) => input.startsWith('node:') || !/\.(ts|js|mjs)$/.test(input))).toEqual(
        [],
      );
      expect(code).not.toMatch(/\bnode:/);
      expect(code).not.toMatch(/\brequire\(/);
      expect(code.length).toBeGreaterThan(1000);
    });
  }
});
