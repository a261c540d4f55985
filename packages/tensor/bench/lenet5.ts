// LeNet-5 (LeCun et al. 1998) built from tensor ops only, for the backend benchmark and the
// flat-memory test: C1 conv 1->6, S2 trainable sub-sampling, C3 conv 6->16 with the paper's
// connection table, S4, C5 conv 16->120, F6 120->84, all squashed by the scaled tanh, and a
// linear output (the paper's RBF output layer lives in nn-layers) with a log-softmax loss.
import {
  addBiasActivation,
  conv2d,
  Generator,
  gather,
  linear,
  logSoftmax,
  mean,
  mul,
  neg,
  reshape,
  sumPool2d,
  type Tensor,
  uniform,
} from '../src/index.js';

/** Table 1 of the paper: row = input map of S2, X = connected to that output map of C3. */
const c3Rows = [
  'X   XXX  XXXX XX',
  'XX   XXX  XXXX X',
  'XXX   XXX  X XXX',
  ' XXX  XXXX  X XX',
  '  XXX  XXXX XX X',
  '   XXX  XXXX XXX',
];

/** The C3 connection table as [outChannels = 16, inChannels = 6] booleans. */
export const c3Connections: boolean[][] = Array.from({ length: 16 }, (_, output) =>
  c3Rows.map((row) => row[output] === 'X'),
);

export interface LeNet5 {
  parameters: Tensor[];
  /** Log-probabilities [N, 10] of images [N, 1, 32, 32]. */
  forward(images: Tensor): Tensor;
  /** Mean negative log-likelihood of the labels (int32 [N, 1]). */
  loss(images: Tensor, labels: Tensor<'int32'>): Tensor;
}

export function lenet5(seed = 1): LeNet5 {
  const generator = new Generator(seed);
  // Uniform in +-2.4 / fan-in, as in the paper's appendix C.
  const weight = (shape: number[], fanIn: number) =>
    uniform(shape, -2.4 / fanIn, 2.4 / fanIn, generator, { requiresGrad: true });
  const c1Weight = weight([6, 1, 5, 5], 25);
  const c1Bias = weight([6], 25);
  const s2Coefficient = weight([1, 6, 1, 1], 4);
  const s2Bias = weight([6], 4);
  const c3Weight = weight([16, 6, 5, 5], 150);
  const c3Bias = weight([16], 150);
  const s4Coefficient = weight([1, 16, 1, 1], 4);
  const s4Bias = weight([16], 4);
  const c5Weight = weight([120, 16, 5, 5], 400);
  const c5Bias = weight([120], 400);
  const f6Weight = weight([84, 120], 120);
  const f6Bias = weight([84], 120);
  const outputWeight = weight([10, 84], 84);
  const outputBias = weight([10], 84);

  const forward = (images: Tensor): Tensor => {
    let x = addBiasActivation(conv2d(images, c1Weight), c1Bias, 'scaledTanh');
    x = addBiasActivation(mul(sumPool2d(x, 2), s2Coefficient), s2Bias, 'scaledTanh');
    x = conv2d(x, c3Weight, null, { connection: c3Connections });
    x = addBiasActivation(x, c3Bias, 'scaledTanh');
    x = addBiasActivation(mul(sumPool2d(x, 2), s4Coefficient), s4Bias, 'scaledTanh');
    x = addBiasActivation(conv2d(x, c5Weight), c5Bias, 'scaledTanh');
    x = reshape(x, [images.shape[0], 120]);
    x = addBiasActivation(linear(x, f6Weight), f6Bias, 'scaledTanh');
    return logSoftmax(linear(x, outputWeight, outputBias), 1);
  };

  return {
    parameters: [
      c1Weight,
      c1Bias,
      s2Coefficient,
      s2Bias,
      c3Weight,
      c3Bias,
      s4Coefficient,
      s4Bias,
      c5Weight,
      c5Bias,
      f6Weight,
      f6Bias,
      outputWeight,
      outputBias,
    ],
    forward,
    loss: (images, labels) => neg(mean(gather(forward(images), 1, labels))),
  };
}

/** One forward + backward pass and a plain SGD update (in place on the parameters' data). */
export function trainStep(
  net: LeNet5,
  images: Tensor,
  labels: Tensor<'int32'>,
  rate = 0.01,
): number {
  for (const parameter of net.parameters) parameter.grad = null;
  const loss = net.loss(images, labels);
  loss.backward();
  for (const parameter of net.parameters) {
    const data = parameter.data;
    const grad = parameter.grad!.data;
    for (let i = 0; i < data.length; i++) data[i] -= rate * grad[i];
  }
  return loss.data[0];
}
