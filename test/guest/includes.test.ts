import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedIncludes } from '../../src/guest/includes.js';
import { guestPath } from '../../src/guest/paths.js';

describe('generated guest includes', () => {
  it('are up to date with the TypeScript tables (run `npm run gen:includes` if not)', () => {
    for (const [name, text] of generatedIncludes()) {
      expect(readFileSync(join(guestPath('include', 'gen'), name), 'utf8'), name).toBe(text);
    }
  });

  it('define every name once', () => {
    for (const [name, text] of generatedIncludes()) {
      const names = [...text.matchAll(/^\.equ (\w+),/gm)].map((m) => m[1]);
      expect(new Set(names).size, name).toBe(names.length);
    }
  });
});
