// A two-layer network learning XOR on @lenet/tensor: matmul, broadcast add, tanh, sigmoid,
// a mean squared error, backward(), and plain gradient descent under noGrad.
//   npx tsx --conditions=@lenet/source examples/xor.ts
import { pathToFileURL } from 'node:url';
import { Generator, noGrad, randn, type Tensor, tensor, zeros } from '@lenet/tensor';

export function trainXor(steps = 500, learningRate = 0.5, log: (line: string) => void = () => {}) {
  const generator = new Generator(42);
  const inputs = tensor([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const targets = tensor([[0], [1], [1], [0]]);
  const w1 = randn([2, 8], generator, { requiresGrad: true });
  const b1 = zeros([8], { requiresGrad: true });
  const w2 = randn([8, 1], generator, { requiresGrad: true });
  const b2 = zeros([1], { requiresGrad: true });
  const parameters = [w1, b1, w2, b2];

  const forward = () => inputs.matmul(w1).add(b1).tanh().matmul(w2).add(b2).sigmoid();
  let loss = 0;
  for (let step = 1; step <= steps; step++) {
    const error = forward().sub(targets);
    const mse = error.square().mean();
    mse.backward();
    noGrad(() => {
      for (const parameter of parameters) {
        const grad = parameter.grad as Tensor;
        parameter.data.set(parameter.sub(grad.mul(learningRate)).data);
        grad.data.fill(0);
      }
    });
    loss = mse.item();
    if (step % 100 === 0) log(`step ${step}: loss ${loss.toFixed(4)}`);
  }
  const predictions = noGrad(forward);
  log(`predictions: ${predictions.reshape([4]).toString()}`);
  return { loss, predictions: Array.from(predictions.data) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  trainXor(500, 0.5, console.log);
}
