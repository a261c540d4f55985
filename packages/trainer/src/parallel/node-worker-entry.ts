// The script a Node worker thread runs: one replica of data-parallel training.
import { parentPort } from 'node:worker_threads';
import { serveReplica } from './replica-host.js';

const port = parentPort;
if (!port) throw new Error('node-worker-entry: must run in a worker thread');
serveReplica({
  postMessage: (message, transfer) =>
    port.postMessage(message, transfer as readonly ArrayBuffer[] | undefined),
  onMessage: (listener) => port.on('message', listener),
});
