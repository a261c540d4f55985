// The XOR network of examples/xor.ts trained on the GPU through WebGPU, in Node: a compiled
// step (forward, loss, backward, SGD update with add_) replayed as one command buffer per
// step; values come back only at `await loss.sync()`.
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json \
//     npx tsx --conditions=@lenet/source examples/webgpu-xor.ts
import { pathToFileURL } from 'node:url';
import { compile, Generator, randn, setBackend, type Tensor, tensor, zeros } from '@lenet/tensor';
import { initWebGpuBackendNode } from '@lenet/tensor/node';

export async function trainXorOnWebGpu(log: (line: string) => void = console.log) {
  await initWebGpuBackendNode(); // Dawn, from the optional package `webgpu`
  setBackend('webgpu');
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

  const step = compile((x: Tensor, y: Tensor) => {
    for (const parameter of parameters) parameter.grad = null;
    const prediction = x.matmul(w1).add(b1).tanh().matmul(w2).add(b2).sigmoid();
    const loss = prediction.sub(y).square().mean();
    loss.backward();
    for (const parameter of parameters) parameter.add_(parameter.grad!, { alpha: -0.5 });
    return loss;
  });
  for (let i = 1; i <= 500; i++) {
    const loss = step(inputs, targets); // recorded, not yet run
    if (i % 100 === 0) log(`step ${i}: loss ${(await loss.sync()).item().toFixed(4)}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await trainXorOnWebGpu();
}
