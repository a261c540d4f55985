import { describe, expect, it } from 'vitest';
import { isNodeRuntime, webWorkerFactory } from './worker-factory.js';

/** Enough of a browser Worker to see what the adapter does with it. */
class FakeWorker extends EventTarget {
  posted: { message: unknown; transfer: Transferable[] }[] = [];
  terminated = false;
  postMessage(message: unknown, transfer: Transferable[]) {
    this.posted.push({ message, transfer });
  }
  terminate() {
    this.terminated = true;
  }
}

describe('webWorkerFactory', () => {
  it('maps a Web Worker onto the engine interface: messages, transfers, errors, terminate', async () => {
    const fake = new FakeWorker();
    const worker = await webWorkerFactory(() => fake as unknown as Worker)(1);
    const buffer = new ArrayBuffer(8);
    worker.postMessage({ type: 'train' }, [buffer]);
    worker.postMessage({ type: 'setup' });
    expect(fake.posted).toEqual([
      { message: { type: 'train' }, transfer: [buffer] },
      { message: { type: 'setup' }, transfer: [] },
    ]);
    const replies: unknown[] = [];
    const errors: string[] = [];
    worker.onMessage((reply) => replies.push(reply));
    worker.onError((error) => errors.push(error.message));
    fake.dispatchEvent(new MessageEvent('message', { data: { type: 'ready', parameterCount: 3 } }));
    const failure = new Event('error') as Event & { message: string };
    failure.message = 'SyntaxError in worker';
    fake.dispatchEvent(failure);
    expect(replies).toEqual([{ type: 'ready', parameterCount: 3 }]);
    expect(errors).toEqual(['worker failed: SyntaxError in worker']);
    worker.terminate();
    expect(fake.terminated).toBe(true);
  });

  it('knows it runs in Node here', () => {
    expect(isNodeRuntime()).toBe(true);
  });
});
