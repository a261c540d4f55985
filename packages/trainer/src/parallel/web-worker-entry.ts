// The script a browser Web Worker runs: one replica of data-parallel training.
import { serveReplica } from './replica-host.js';

const scope = globalThis as unknown as {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
};
serveReplica({
  postMessage: (message, transfer) => scope.postMessage(message, transfer ?? []),
  onMessage: (listener) => scope.addEventListener('message', (event) => listener(event.data)),
});
