// The worker side of data-parallel training: rebuilds the model from its registry config, then
// computes its slice of every batch. With shared buffers it blocks on the control word between
// batches (no event-loop round trip per batch); otherwise it answers one message per batch.
import { createModel } from '@lenet/nn-layers';
import { setBackend } from '@lenet/tensor';
import { BatchRunner } from '../batch-runner.js';
import { resolveLoss } from '../loss.js';
import { GradientPartSum, replicaScales } from './gradient-sum.js';
import { lap, PHASE_COUNT, Phase } from './phase-times.js';
import {
  arrivedIndex,
  Command,
  Control,
  errorTextBytes,
  publishGeneration,
  type ReplicaSetup,
  type SharedViews,
  type SliceCommand,
  sharedViews,
  spinMilliseconds,
  spinWhileEqual,
  type WorkerReply,
  waitForGeneration,
} from './protocol.js';
import { sliceOf } from './slices.js';

/** The two things a worker script needs of its channel to the main thread. */
export interface ReplicaPort {
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** Serves one replica over `port` until told to exit. Called by the worker entry scripts. */
export function serveReplica(port: ReplicaPort): void {
  let runner: BatchRunner | null = null;
  port.onMessage((message) => {
    try {
      const command = message as ReplicaSetup | SliceCommand;
      if (command.type === 'setup') {
        runner = setUp(command);
        port.postMessage({ type: 'ready', parameterCount: runner.parameterCount });
        if (command.shared)
          serveShared(runner, command, sharedViews(command.shared, command.replicas));
      } else if (runner) {
        port.postMessage(...answer(runner, command));
      } else {
        throw new Error(`replica: got '${command.type}' before setup`);
      }
    } catch (error) {
      port.postMessage({ type: 'error', message: describe(error) });
    }
  });
}

function setUp(setup: ReplicaSetup): BatchRunner {
  setBackend(setup.backend);
  const model = createModel(setup.model);
  model.train();
  return new BatchRunner(
    model,
    resolveLoss(setup.loss).compute,
    setup.sampleShape,
    setup.classCount,
  );
}

/** One batch of the message-passing fallback: the slice arrives whole, the answer goes back. */
function answer(runner: BatchRunner, command: SliceCommand): [WorkerReply, Transferable[]] {
  const { count } = command;
  const outputs = new Float32Array(count * command.classCount);
  runner.loadWeights(command.weights);
  if (command.type === 'train') {
    const loss = runner.train(command.images, command.labels, 0, count, outputs);
    const gradients = new Float32Array(runner.parameterCount);
    runner.storeGradients(gradients);
    return [{ type: 'result', loss, outputs, gradients }, [outputs.buffer, gradients.buffer]];
  }
  const loss = runner.evaluate(command.images, command.labels, 0, count, outputs);
  return [{ type: 'result', loss, outputs, gradients: null }, [outputs.buffer]];
}

/** Blocks on the control word and computes this replica's slice of each command until exit. */
function serveShared(runner: BatchRunner, setup: ReplicaSetup, views: SharedViews): void {
  const { control, timings: times } = views;
  const { replica, replicas } = setup;
  const parameterCount = runner.parameterCount;
  const scales = new Float64Array(replicas);
  const partSum = new GradientPartSum();
  const encoder = new TextEncoder();
  const row = replica * PHASE_COUNT;
  // Commands start after every worker said 'ready', so generation 0 is the one seen at setup
  // (reading the word here could already see the first command and miss it).
  let seen = 0;
  for (;;) {
    let mark = performance.now();
    if (!spinWhileEqual(control, Control.generation, seen, spinMilliseconds)) {
      Atomics.wait(control, Control.generation, seen);
    }
    const generation = Atomics.load(control, Control.generation);
    if (generation === seen) continue;
    seen = generation;
    const command = control[Control.command];
    if (command === Command.exit) return;
    mark = lap(times, row + Phase.idle, mark);
    const parts = control[Control.parts];
    const count = control[Control.count];
    if (replica < parts) {
      try {
        const [start, end] = sliceOf(count, parts, replica);
        runner.loadWeights(views.weights);
        mark = lap(times, row + Phase.scatter, mark);
        const run = command === Command.train ? runner.train : runner.evaluate;
        views.losses[replica] = run.call(
          runner,
          views.images,
          views.labels,
          start,
          end,
          views.outputs,
        );
        mark = lap(times, row + Phase.compute, mark);
        if (command === Command.train) {
          runner.storeGradients(views.gradients, replica * parameterCount);
          mark = lap(times, row + Phase.gradientSum, mark);
        }
      } catch (error) {
        const text = encoder.encode(describe(error)).subarray(0, errorTextBytes);
        views.errors.set(text, replica * errorTextBytes);
        views.errorLengths[replica] = text.length;
      }
      if (command === Command.train && control[Control.splitSum] === 1) {
        // Published even after a failure, so that no replica waits for this one forever.
        publishGeneration(control, arrivedIndex(replicas, replica), generation);
        for (let other = 0; other < parts; other++) {
          waitForGeneration(control, arrivedIndex(replicas, other), generation);
        }
        mark = lap(times, row + Phase.idle, mark);
        replicaScales(count, parts, scales);
        partSum.sum(views.gradients, views.sums, parameterCount, scales, parts, replica);
        lap(times, row + Phase.gradientSum, mark);
      }
    }
    publishGeneration(control, Control.doneBase + replica, generation);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
