/**
 * A worker thread of the runner (runner.ts): receives cells, measures each with runCell or
 * runMixedCell and posts the result or the error back. Only ever loaded from compiled JS (dist/).
 */
import { parentPort } from 'node:worker_threads';
import { measureCell, type WorkerReply, type WorkerRequest } from './runner.js';

if (!parentPort) throw new Error('runner-worker.ts must run in a worker thread');
const port = parentPort;
port.on('message', (req: WorkerRequest) => {
  const reply: WorkerReply = { index: req.index, ...measureCell(req.cell) };
  port.postMessage(reply);
});
