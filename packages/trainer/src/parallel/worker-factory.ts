// How the main thread starts replica workers: Node `worker_threads` or browser Web Workers,
// behind one small interface. Nothing here imports a Node module statically, so this file is
// safe in a browser bundle.
import type { WorkerReply } from './protocol.js';

/** A started worker, as the data-parallel engine uses it. */
export interface ReplicaWorker {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onMessage(listener: (message: WorkerReply) => void): void;
  /** A worker that failed to load or crashed. */
  onError(listener: (error: Error) => void): void;
  terminate(): unknown;
}

/** Starts worker number `index` (1-based: replica 0 is the calling thread). */
export type WorkerFactory = (index: number) => ReplicaWorker | Promise<ReplicaWorker>;

type NodeWorkerModule = typeof import('node:worker_threads');

/** The Node module name, kept in a variable so that bundlers leave it alone. */
const workerThreadsModule = 'node:worker_threads';

export function isNodeRuntime(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string' && typeof globalThis.window === 'undefined';
}

/**
 * Workers on Node's `worker_threads`, running `node-worker-entry.js` beside this file. When
 * this file is the TypeScript source (tests, `tsx` scripts), the worker registers `tsx` first
 * and resolves workspace packages to their sources, as the calling process does.
 */
export async function nodeWorkerFactory(): Promise<WorkerFactory> {
  const { Worker } = (await import(/* @vite-ignore */ workerThreadsModule)) as NodeWorkerModule;
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(
    fromSource ? './node-worker-entry.ts' : './node-worker-entry.js',
    import.meta.url,
  );
  return () => {
    const worker = fromSource
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`,
          { eval: true, execArgv: ['--conditions=@lenet/source'] },
        )
      : new Worker(entry);
    // A forgotten engine must not keep the process alive.
    worker.unref();
    return {
      postMessage: (message, transfer) =>
        worker.postMessage(message, transfer as readonly ArrayBuffer[] | undefined),
      onMessage: (listener) => worker.on('message', listener),
      onError: (listener) => {
        worker.on('error', listener);
        worker.on('exit', (code) => listener(new Error(`worker exited with code ${code}`)));
      },
      terminate: () => worker.terminate(),
    };
  };
}

/**
 * Browser Web Workers. `create` starts one worker running `serveReplica` (default: the
 * `web-worker-entry.js` module shipped beside this file; a bundler may need its own URL).
 */
export function webWorkerFactory(
  create: () => Worker = () =>
    new Worker(new URL('./web-worker-entry.js', import.meta.url), { type: 'module' }),
): WorkerFactory {
  return () => {
    const worker = create();
    return {
      postMessage: (message, transfer) => worker.postMessage(message, transfer ?? []),
      onMessage: (listener) =>
        worker.addEventListener('message', (event) => listener(event.data as WorkerReply)),
      onError: (listener) =>
        worker.addEventListener('error', (event) =>
          listener(new Error(`worker failed: ${event.message ?? 'could not load'}`)),
        ),
      terminate: () => worker.terminate(),
    };
  };
}

/** Node workers under Node, Web Workers elsewhere. */
export async function defaultWorkerFactory(): Promise<WorkerFactory> {
  return isNodeRuntime() ? nodeWorkerFactory() : webWorkerFactory();
}
