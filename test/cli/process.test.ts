/**
 * What only the real executable shows (dist/, when built): a closed pipe on stdout ends pvlab
 * quietly, without an EPIPE stack trace.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BROKEN_PIPE_STATUS, quietOnClosedPipe } from '../../src/cli/pipe.js';
import { EventEmitter } from 'node:events';

const BIN = 'dist/src/cli/bin.js';

describe('a closed stdout pipe', () => {
  it('quietOnClosedPipe exits with 141 on EPIPE and rethrows anything else', () => {
    const stream = new EventEmitter() as unknown as NodeJS.WriteStream;
    const codes: number[] = [];
    quietOnClosedPipe(stream, (c) => codes.push(c));
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(codes).toEqual([BROKEN_PIPE_STATUS]);
    expect(() => stream.emit('error', Object.assign(new Error('disk full'), { code: 'ENOSPC' }))).toThrow(/disk full/);
  });

  it.skipIf(!existsSync(BIN))('pvlab list with its reader gone: no stack trace', async () => {
    const child = spawn(process.execPath, [BIN, 'list'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    child.stdout.destroy(); // the reader (head) is gone before pvlab writes
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect([0, BROKEN_PIPE_STATUS]).toContain(status);
  });
});
