/**
 * Write the generated guest include files (guests/include/gen/*.S). Run by `npm run gen:includes`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generatedIncludes } from '../src/guest/includes.js';
import { writeFileAtomic } from '../src/fs/write-atomic.js';
import { guestPath } from '../src/guest/paths.js';

const dir = guestPath('include', 'gen');
mkdirSync(dir, { recursive: true });
for (const [name, text] of generatedIncludes()) {
  writeFileAtomic(join(dir, name), text);
  console.log(`wrote ${join('guests', 'include', 'gen', name)}`);
}
