// ConvNetJS 0.3: the classic pure-JS library. It has max pooling only (no average pooling) and
// processes one sample at a time; `batch_size` is how many samples each update averages.
import convnetjs from 'convnetjs';
import {
  type ContenderResult,
  Figures,
  INFER_BATCHES,
  imagesPerSecond,
  syntheticBatch,
  TRAIN_BATCHES,
} from './timing.js';

function network() {
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: 32, out_sy: 32, out_depth: 1 },
    { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 0, activation: 'tanh' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'tanh' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'fc', num_neurons: 120, activation: 'tanh' },
    { type: 'fc', num_neurons: 84, activation: 'tanh' },
    { type: 'softmax', num_classes: 10 },
  ]);
  return net;
}

function volumes(images: Float32Array, count: number) {
  return Array.from({ length: count }, (_, index) => {
    const volume = new convnetjs.Vol(32, 32, 1, 0);
    for (let i = 0; i < 1024; i++) volume.w[i] = images[index * 1024 + i];
    return volume;
  });
}

export function measureConvnetjs(): ContenderResult {
  const net = network();
  const figures = new Figures();
  for (const batch of TRAIN_BATCHES) {
    const trainer = new convnetjs.Trainer(net, {
      method: 'sgd',
      learning_rate: 0.01,
      momentum: 0.9,
      batch_size: batch,
      l2_decay: 0,
    });
    const { images, labels } = syntheticBatch(batch);
    const inputs = volumes(images, batch);
    figures.set(
      'train',
      batch,
      imagesPerSecond(() => {
        for (let i = 0; i < batch; i++) trainer.train(inputs[i], labels[i]);
      }, batch),
    );
  }
  for (const batch of INFER_BATCHES) {
    const inputs = volumes(syntheticBatch(batch).images, batch);
    figures.set(
      'infer',
      batch,
      imagesPerSecond(() => {
        for (const input of inputs) net.forward(input, false);
      }, batch),
    );
  }
  figures.notes.push('max pooling (ConvNetJS has no average pooling); one sample at a time');
  return figures.result('ConvNetJS 0.3.0');
}
