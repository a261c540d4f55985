import { encodeSafetensors } from '@lenet/nn-layers';
import { Generator } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import {
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  memoryCheckpointStore,
} from './checkpoint.js';

function sampleCheckpoint(): Checkpoint {
  const generator = new Generator(7);
  generator.normal(); // leaves a spare normal deviate in the state
  return {
    epoch: 3,
    model: new Map([
      ['c1.weight', { shape: [2, 1, 2, 2], data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8.5]) }],
      ['c1.bias', { shape: [2], data: new Float32Array([-0.25, 1e-30]) }],
    ]),
    optimizer: {
      kind: 'sgd',
      stepCount: 1234,
      hyperparameters: { learningRate: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0 },
      slots: { velocity: [new Float32Array(8).fill(0.5), new Float32Array([1, 2])] },
    },
    generators: { order: generator.getState(), augment: new Generator(1).getState() },
    history: [
      {
        epoch: 1,
        learningRate: 0.01,
        trainLoss: 0.5,
        trainError: 12.5,
        testError: 3.25,
        seconds: 1.5,
        trainSeconds: 1.25,
        imagesPerSecond: 1000,
      },
    ],
    monitor: { bestValue: 0.5, bestEpoch: 1, epochsSinceImprovement: 2 },
    extra: { model: 'lenet5', note: 'hello' },
  };
}

describe('checkpoint codec', () => {
  it('round-trips every field exactly', () => {
    const checkpoint = sampleCheckpoint();
    const decoded = decodeCheckpoint(encodeCheckpoint(checkpoint));
    expect(decoded.epoch).toBe(3);
    expect([...decoded.model.keys()]).toEqual(['c1.weight', 'c1.bias']);
    expect(decoded.model.get('c1.weight')).toEqual(checkpoint.model.get('c1.weight'));
    expect(decoded.model.get('c1.bias')?.data).toEqual(new Float32Array([-0.25, 1e-30]));
    expect(decoded.optimizer).toEqual(checkpoint.optimizer);
    expect(decoded.generators).toEqual(checkpoint.generators);
    expect(decoded.history).toEqual(checkpoint.history);
    expect(decoded.monitor).toEqual(checkpoint.monitor);
    expect(decoded.extra).toEqual(checkpoint.extra);
  });

  it('restored generator states continue the same stream', () => {
    const generator = new Generator(7);
    generator.normal();
    const decoded = decodeCheckpoint(encodeCheckpoint(sampleCheckpoint()));
    const restored = Generator.fromState(decoded.generators.order);
    expect([restored.normal(), restored.nextUint32()]).toEqual([
      generator.normal(),
      generator.nextUint32(),
    ]);
  });

  it('names what is wrong with a file that is not a checkpoint', () => {
    const bareModel = encodeSafetensors({ w: { shape: [1], data: new Float32Array([1]) } });
    expect(() => decodeCheckpoint(bareModel, 'model.safetensors')).toThrow(
      /model.safetensors: a safetensors file without 'lenet.checkpoint' metadata/,
    );
    const wrongVersion = encodeSafetensors(
      {},
      { 'lenet.checkpoint': JSON.stringify({ format: 'lenet-checkpoint', version: 99 }) },
    );
    expect(() => decodeCheckpoint(wrongVersion)).toThrow(
      /expected format 'lenet-checkpoint' version 1/,
    );
    expect(() => decodeCheckpoint(new Uint8Array(3))).toThrow(/too short/);
  });

  it('a memory store keeps bytes, so later changes to the source do not leak in', async () => {
    const store = memoryCheckpointStore();
    const checkpoint = sampleCheckpoint();
    await store.save('last', checkpoint);
    checkpoint.model.get('c1.bias')!.data[0] = 99;
    expect((await store.load('last'))?.model.get('c1.bias')?.data[0]).toBe(-0.25);
    expect(await store.load('best')).toBeNull();
  });
});
