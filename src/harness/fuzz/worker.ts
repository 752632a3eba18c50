/**
 * A worker thread of the fuzzer's pool (pool.ts): runs the cases it is sent, one at a time,
 * and posts each result back. Only ever loaded from compiled JS (dist/).
 */
import { parentPort } from 'node:worker_threads';
import { Campaign } from './campaign.js';
import type { FuzzConfig } from './case.js';

export interface WorkerCase {
  runSeed: number;
  config: FuzzConfig;
  index: number;
}

if (!parentPort) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;
let campaign: Campaign | null = null;
port.on('message', (req: WorkerCase) => {
  if (campaign === null || campaign.runSeed !== req.runSeed) campaign = new Campaign(req.runSeed, req.config);
  port.postMessage(campaign.runCase(req.index));
});
