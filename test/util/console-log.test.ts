/**
 * A guest's console as kept in host memory is bounded (issue 15, item 5): the beginning and
 * the latest bytes, with a marker saying how much fell between them.
 */
import { describe, expect, it } from 'vitest';
import { ConsoleLog, droppedMarker } from '../../src/util/console-log.js';
import { Hypervisor } from '../../src/hypervisor/hypervisor.js';
import { createGuestVm } from '../../src/harness/run-guest.js';
import { findResultLine, workloadByName } from '../../src/guest/workloads.js';
import { PRESET, RAM } from '../hypervisor/helpers.js';

function write(log: ConsoleLog, text: string): void {
  for (const c of text) log.push(c.charCodeAt(0));
}

describe('ConsoleLog', () => {
  it('keeps everything up to its bound', () => {
    const log = new ConsoleLog(16);
    write(log, 'hello, world\n');
    expect(log.text()).toBe('hello, world\n');
    expect(log.dropped).toBe(0);
  });

  it('beyond it: the first half, a marker with the count dropped, the latest half', () => {
    const log = new ConsoleLog(8);
    write(log, 'ABCDefghijklmnopWXYZ');
    expect(log.written).toBe(20);
    expect(log.dropped).toBe(12);
    expect(log.text()).toBe(`ABCD${droppedMarker(12)}WXYZ`);
  });

  it('exactly full: nothing dropped, no marker', () => {
    const log = new ConsoleLog(8);
    write(log, 'ABCDWXYZ');
    expect(log.text()).toBe('ABCDWXYZ');
  });

  it('keeps bytes as bytes (latin1), and starts over when cleared', () => {
    const log = new ConsoleLog(4);
    for (const b of [0, 0xff, 0x80, 0x0a, 0x41]) log.push(b);
    expect([...log.text()].map((c) => c.charCodeAt(0))).toEqual([0, 0xff, ...[...droppedMarker(1)].map((c) => c.charCodeAt(0)), 0x0a, 0x41]);
    log.clear();
    expect(log.text()).toBe('');
    expect(log.written).toBe(0);
  });
});

describe('a VM\'s console', () => {
  it('a workload writing more than the VM keeps: the result line survives at the end, the marker says how much is missing', () => {
    const params = { iterations: 64, bytes: 256 };
    const hv = new Hypervisor();
    const vm = createGuestVm(hv, { name: 'chatty', build: 'paravirt', technique: 'paravirt', workload: 'console', params, preset: PRESET, ramBytes: RAM, consoleKeepBytes: 4096 });
    vm.powerOn();
    hv.run();
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(vm.consoleBytesWritten).toBeGreaterThan(64 * 256);
    expect(vm.console).toContain(droppedMarker(vm.consoleBytesWritten - 4096));
    expect(vm.console.length).toBe(4096 + droppedMarker(vm.consoleBytesWritten - 4096).length);
    expect(findResultLine(vm.console, 'console')).toContain(workloadByName('console').expected(params));
  });
});
