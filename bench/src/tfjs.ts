// TensorFlow.js 4.x: the same network with tf.layers, on its `cpu` or `wasm` backend.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  type ContenderResult,
  Figures,
  INFER_BATCHES,
  imagesPerSecond,
  syntheticBatch,
  TRAIN_BATCHES,
} from './timing.js';

function network(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 1], filters: 6, kernelSize: 5, activation: 'tanh' }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'tanh' }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'tanh' }),
      tf.layers.dense({ units: 84, activation: 'tanh' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

export async function measureTfjs(backend: 'cpu' | 'wasm'): Promise<ContenderResult> {
  await tf.setBackend(backend);
  await tf.ready();
  const model = network();
  const optimizer = tf.train.momentum(0.01, 0.9);
  const figures = new Figures();
  const notes = figures.notes;
  for (const batch of TRAIN_BATCHES) {
    const { images, labels } = syntheticBatch(batch);
    const input = tf.tensor4d(images, [batch, 32, 32, 1]);
    const target = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
    try {
      figures.set(
        'train',
        batch,
        imagesPerSecond(() => {
          const cost = optimizer.minimize(
            () =>
              tf.losses.softmaxCrossEntropy(target, model.apply(input) as tf.Tensor) as tf.Scalar,
            true,
          );
          cost?.dataSync();
          cost?.dispose();
        }, batch),
      );
    } catch (error) {
      figures.set('train', batch, null);
      const message = error instanceof Error ? error.message : String(error);
      const note = `cannot train: ${message.split('\n')[0]}`;
      if (!notes.includes(note)) notes.push(note);
    }
    input.dispose();
    target.dispose();
  }
  for (const batch of INFER_BATCHES) {
    const { images } = syntheticBatch(batch);
    const input = tf.tensor4d(images, [batch, 32, 32, 1]);
    figures.set(
      'infer',
      batch,
      imagesPerSecond(() => {
        const output = model.predict(input) as tf.Tensor;
        output.dataSync();
        output.dispose();
      }, batch),
    );
    input.dispose();
  }
  return figures.result(`TensorFlow.js ${tf.version.tfjs} ${backend}`);
}
