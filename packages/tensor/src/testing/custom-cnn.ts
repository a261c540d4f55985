// A model the LeNet zoo does not have, written directly with tensor ops: a CNN with ReLU, max
// pooling, dropout, a residual addition and a cross-entropy written with ops. The compile tests
// and the compile benchmark use it.
import { randn, tensor } from '../creation.js';
import { Generator } from '../generator.js';
import { conv2d } from '../ops/conv.js';
import { dropout } from '../ops/dropout.js';
import { add, addBiasActivation, mul, relu } from '../ops/elementwise.js';
import { gather } from '../ops/indexing.js';
import { linear } from '../ops/linear.js';
import { maxPool2d } from '../ops/pool.js';
import { logSoftmax, mean } from '../ops/reduce.js';
import { reshape, unsqueeze } from '../ops/shape.js';
import type { Tensor } from '../tensor.js';

/** A small CNN with ReLU, max pooling, dropout, a residual addition and a loss written with ops. */
export function customCnn(seed: number) {
  const generator = new Generator(seed);
  const parameter = (shape: number[], scale: number) => {
    const t = mul(randn(shape, generator), scale).detach();
    t.requiresGrad = true;
    return t;
  };
  const parameters = {
    convWeight: parameter([4, 1, 3, 3], 0.3),
    convBias: parameter([4], 0.1),
    hiddenWeight: parameter([16, 64], 0.1),
    hiddenBias: parameter([16], 0.1),
    residualWeight: parameter([16, 16], 0.1),
    outputWeight: parameter([5, 16], 0.2),
  };
  const dropoutGenerator = new Generator(seed + 100);
  const forward = (images: Tensor, labels: Tensor<'int32'>) => {
    const p = parameters;
    const features = maxPool2d(relu(conv2d(images, p.convWeight, p.convBias)), 2);
    const flat = reshape(features, [images.shape[0], 64]);
    const hidden = addBiasActivation(linear(flat, p.hiddenWeight), p.hiddenBias, 'tanh');
    const residual = add(
      hidden,
      relu(linear(dropout(hidden, 0.25, dropoutGenerator), p.residualWeight)),
    );
    const logits = linear(residual, p.outputWeight);
    // Cross-entropy written with ops: -mean(log_softmax(logits)[label]).
    const picked = gather(logSoftmax(logits, -1), 1, unsqueeze(labels, 1));
    return mul(mean(picked), -1);
  };
  return { parameters, forward, dropoutGenerator };
}

/** A random batch for `customCnn`: images [size, 1, 10, 10] and labels in [0, 5). */
export function customCnnBatch(seed: number, size: number) {
  const generator = new Generator(seed);
  const images = randn([size, 1, 10, 10], generator);
  const labels = tensor(
    Int32Array.from({ length: size }, () => generator.int(5)),
    [size],
  );
  return { images, labels };
}
