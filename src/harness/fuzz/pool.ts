/**
 * The fuzzer's long runs: cases on worker threads, one case at a time per worker, with a
 * wall-time watchdog — a case that gives no answer within `watchdogMs` (a Hypervisor.run()
 * that never returns, or one slow beyond reason) has its worker terminated, is recorded as a
 * hang, and a fresh worker carries on with the next case. The watchdog is the one place the
 * fuzzer looks at the wall clock; verdicts never depend on it otherwise.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { CaseResult, Finding, FuzzConfig } from './case.js';
import type { WorkerCase } from './worker.js';

export interface PoolOptions {
  runSeed: number;
  config: FuzzConfig;
  jobs: number;
  watchdogMs: number;
  /** The first case's index. */
  from: number;
  /** Whether to start another case (a deadline, a number of cases). */
  more(nextIndex: number): boolean;
  onResult(r: CaseResult): void;
  /** A case that hung (watchdog) or threw outside the hypervisor. */
  onLost(f: Finding): void;
}

/** The compiled worker beside this module. */
function workerFile(): string {
  return fileURLToPath(new URL('./worker.js', import.meta.url));
}

/** Run cases until `more` says stop and every started case has answered or hung. */
export function runPool(opts: PoolOptions): Promise<void> {
  let next = opts.from;
  let busy = 0;
  return new Promise((resolve) => {
    const startWorker = (): void => {
      const worker = new Worker(workerFile());
      let timer: NodeJS.Timeout | null = null;
      let current = -1;
      const give = (): void => {
        if (!opts.more(next)) {
          void worker.terminate();
          if (busy === 0) resolve();
          return;
        }
        current = next++;
        busy++;
        const req: WorkerCase = { runSeed: opts.runSeed, config: opts.config, index: current };
        worker.postMessage(req);
        timer = setTimeout(hang, opts.watchdogMs);
      };
      const hang = (): void => {
        busy--;
        opts.onLost({ verdict: 'hang', runSeed: opts.runSeed, caseIndex: current, guest: null, detail: `no answer within ${opts.watchdogMs / 1000} s of wall time` });
        void worker.terminate();
        startWorker();
      };
      worker.on('message', (r: CaseResult) => {
        if (timer) clearTimeout(timer);
        busy--;
        opts.onResult(r);
        give();
      });
      worker.on('error', (e) => {
        // The case threw outside the hypervisor's own catch (building a guest, judging it):
        // a finding like any other, and the run goes on.
        if (timer) clearTimeout(timer);
        busy--;
        opts.onLost({ verdict: 'host-exception', runSeed: opts.runSeed, caseIndex: current, guest: null, detail: `the case threw: ${e.stack ?? e.message}` });
        startWorker();
      });
      give();
    };
    for (let j = 0; j < opts.jobs; j++) startWorker();
  });
}
