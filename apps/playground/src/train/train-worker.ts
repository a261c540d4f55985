/// <reference lib="webworker" />
/**
 * Trains in a Web Worker so the page never freezes: loads MNIST from the site, runs a
 * `TrainingSession` batch by batch (this worker and `threads - 1` replica workers it starts
 * share each batch), yields to its message queue every few milliseconds (to hear
 * pause/resume/stop) and reports progress at most every 100 ms.
 */
import { type Dataset, toFloat32Images } from '@lenet/datasets-mnist';
import { loadMnistSplit } from '../mnist-data.js';
import { selectBackend } from '../network.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { sampleImages } from './sample.js';
import { type ImageSet, type TrainConfig, TrainingSession } from './training-session.js';

declare const self: DedicatedWorkerGlobalScope;

const datasets = new Map<string, Promise<Dataset>>();
let session: TrainingSession | null = null;
let paused = false;
let wake: (() => void) | null = null;
let runId = 0;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function split(name: 'train' | 'test', base: string): Promise<Dataset> {
  if (!datasets.has(name)) datasets.set(name, loadMnistSplit(name, base));
  return datasets.get(name)!;
}

function imageSet(dataset: Dataset, side: number): ImageSet {
  return {
    images: toFloat32Images(dataset, { normalization: 'paper', padding: (side - 28) / 2 }),
    labels: Int32Array.from({ length: dataset.length }, (_, i) => dataset.label(i)),
    side,
  };
}

/** How often the page sees the watched digits and kernels change (a forward pass of ten). */
const PROBE_EVERY_MS = 400;

const yieldToMessages = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function run(requested: TrainConfig, mnistBase: string): Promise<void> {
  const id = ++runId;
  paused = false;
  post({ type: 'status', text: 'Loading MNIST...' });
  const [backend, train, test] = await Promise.all([
    selectBackend(requested.compute),
    split('train', mnistBase),
    split('test', mnistBase),
  ]);
  if (id !== runId) return;
  // Data-parallel threads split batches over CPU cores; on WebGPU the GPU computes each batch.
  const config = backend.name === 'webgpu' ? { ...requested, threads: 1 } : requested;
  const side = config.model === 'lenet5' ? 32 : 28;
  const trainPart = sampleImages(train, config.size, config.seed);
  const testPart = sampleImages(test, config.testSize, 0);
  if (config.threads > 1) post({ type: 'status', text: `Starting ${config.threads} threads...` });
  // Replicas run @lenet/trainer's own Web Worker entry, which Vite bundles beside this one.
  const opened = await TrainingSession.open(
    config,
    imageSet(trainPart, side),
    imageSet(testPart, side),
  );
  if (id !== runId) {
    await opened.close();
    return;
  }
  session = opened;
  // One test digit of every class, watched while the network learns.
  const strip = Array.from({ length: 10 }, (_, digit) => {
    for (let i = 0; i < testPart.length; i++) if (testPart.label(i) === digit) return i;
    return -1;
  }).filter((index) => index >= 0);
  post({
    type: 'started',
    backend: backend.name,
    backendLabel: backend.label,
    trainCount: trainPart.length,
    testCount: testPart.length,
    batches: session.batchesPerEpoch,
    threads: session.threads,
    mode: session.mode,
    strip: strip.map((index) => ({
      index,
      label: testPart.label(index),
      pixels: Uint8Array.from(testPart.image(index)),
    })),
  });
  post({ type: 'probe', probe: await session.probe(strip) });
  let lastProbe = performance.now();
  let lastYield = performance.now();
  let lastReport = 0;
  let losses: number[] = [];
  let seen: number[] = [];
  while (session && !session.finished && id === runId) {
    if (paused) {
      post({ type: 'paused' });
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      continue;
    }
    const { progress, epoch } = await session.step();
    losses.push(progress.loss);
    seen.push(progress.seen);
    const now = performance.now();
    if (now - lastReport > 100 || epoch || progress.batch === 1) {
      post({ type: 'batch', progress, losses, seen });
      losses = [];
      seen = [];
      lastReport = now;
    }
    if (epoch) {
      const mistakeImages = new Uint8Array(epoch.mistakes.length * 784);
      epoch.mistakes.forEach(({ index }, n) => {
        mistakeImages.set(testPart.image(index), n * 784);
      });
      post({ type: 'epoch', result: epoch, mistakeImages }, [mistakeImages.buffer]);
    }
    if (epoch || now - lastProbe > PROBE_EVERY_MS) {
      post({ type: 'probe', probe: await session.probe(strip) });
      lastProbe = now;
    }
    if (now - lastYield > 30) {
      await yieldToMessages();
      lastYield = performance.now();
    }
  }
  if (id === runId && session?.finished) {
    // The weights stay for "Use in Draw"; the replicas are no longer needed.
    await session.close();
    post({ type: 'done' });
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'start':
      run(message.config, message.mnistBase).catch((error) => {
        post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
      });
      break;
    case 'pause':
      paused = true;
      break;
    case 'resume':
      paused = false;
      wake?.();
      wake = null;
      break;
    case 'stop':
      runId++;
      void session?.close();
      session = null;
      paused = false;
      wake?.();
      wake = null;
      break;
    case 'weights':
      if (session) {
        postWeights(session, message.purpose).catch((error) => {
          post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
        });
      }
      break;
  }
};

/** Posts the session's weights (read back from the GPU first when they live there). */
async function postWeights(from: TrainingSession, purpose: 'draw' | 'download'): Promise<void> {
  const bytes = await from.weights();
  const epochs = from.history.length;
  const last = from.history.at(-1);
  post(
    {
      type: 'weights',
      purpose,
      model: from.config.model,
      bytes,
      description: `${from.config.model === 'lenet5' ? 'LeNet-5' : 'MLP'} trained here, ${epochs} pass${epochs === 1 ? '' : 'es'}${
        last ? `, ${last.testError.toFixed(2)}% test error` : ''
      }`,
    },
    [bytes.buffer],
  );
}
