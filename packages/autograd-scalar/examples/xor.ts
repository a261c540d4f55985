// XOR with a 2-2-1 tanh MLP, trained by full-batch gradient descent on the squared error.
// Run: npx tsx --conditions=@lenet/source examples/xor.ts
import { pathToFileURL } from 'node:url';
import { MLP, Value } from '@lenet/autograd-scalar';

export const xorCases = [
  { inputs: [0, 0], target: 0 },
  { inputs: [0, 1], target: 1 },
  { inputs: [1, 0], target: 1 },
  { inputs: [1, 1], target: 0 },
];

/** Trains the 2-2-1 network from `seed`; returns it with its outputs on the four cases. */
export function trainXor(options: { seed?: number; epochs?: number; learningRate?: number } = {}) {
  const model = new MLP(2, [2, 1], {
    seed: options.seed ?? 1,
    activation: 'tanh',
    outputActivation: 'tanh',
  });
  const epochs = options.epochs ?? 500;
  const learningRate = options.learningRate ?? 0.2;
  let loss = new Value(0);
  for (let epoch = 0; epoch < epochs; epoch++) {
    loss = new Value(0);
    for (const { inputs, target } of xorCases) {
      loss = loss.add(model.forward(inputs)[0].sub(target).pow(2));
    }
    model.zeroGrad();
    loss.backward();
    for (const parameter of model.parameters()) parameter.data -= learningRate * parameter.grad;
  }
  const outputs = xorCases.map(({ inputs }) => model.forward(inputs)[0].data);
  return { model, outputs, loss: loss.data };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { outputs, loss } = trainXor();
  xorCases.forEach(({ inputs, target }, i) => {
    console.log(`${inputs.join(' xor ')} = ${target}: network says ${outputs[i].toFixed(3)}`);
  });
  console.log(`final squared error ${loss.toFixed(5)}`);
}
