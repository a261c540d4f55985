// The worker side of data-parallel training: rebuilds the model from its registry config, then
// computes its slice of every batch. With shared buffers it blocks on the control word between
// batches (no event-loop round trip per batch); otherwise it answers one message per batch.
import { createModel } from '@lenet/nn-layers';
import { setBackend } from '@lenet/tensor';
import { BatchRunner } from '../batch-runner.js';
import { resolveLoss } from '../loss.js';
import { lap, PHASE_COUNT, Phase } from './phase-times.js';
import {
  Command,
  Control,
  errorTextBytes,
  type ReplicaSetup,
  type SharedViews,
  type SliceCommand,
  sharedViews,
  spinMilliseconds,
  spinWhileEqual,
  type WorkerReply,
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
  const { control } = views;
  const replica = setup.replica;
  const gradientOffset = (replica - 1) * runner.parameterCount;
  const encoder = new TextEncoder();
  // Commands start after every worker said 'ready', so generation 0 is the one seen at setup
  // (reading the word here could already see the first command and miss it).
  let seen = 0;
  const times = views.timings;
  const row = replica * PHASE_COUNT;
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
    if (replica < parts) {
      try {
        const [start, end] = sliceOf(control[Control.count], parts, replica);
        runner.loadWeights(views.weights);
        mark = lap(times, row + Phase.scatter, mark);
        if (command === Command.train) {
          views.losses[replica] = runner.train(
            views.images,
            views.labels,
            start,
            end,
            views.outputs,
          );
          mark = lap(times, row + Phase.compute, mark);
          runner.storeGradients(views.gradients, gradientOffset);
          lap(times, row + Phase.gradientSum, mark);
        } else {
          views.losses[replica] = runner.evaluate(
            views.images,
            views.labels,
            start,
            end,
            views.outputs,
          );
          lap(times, row + Phase.compute, mark);
        }
      } catch (error) {
        const text = encoder.encode(describe(error)).subarray(0, errorTextBytes);
        views.errors.set(text, replica * errorTextBytes);
        views.errorLengths[replica] = text.length;
      }
    }
    Atomics.store(control, Control.doneBase + replica, generation);
    Atomics.notify(control, Control.doneBase + replica);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
