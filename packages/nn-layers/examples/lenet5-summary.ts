// Builds LeNet-5 as published and prints its summary, one SDLM curvature estimate and a save.
// Run: npx tsx --conditions=@lenet/source examples/lenet5-summary.ts
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateDiagHessian, lenet5, rbfMapLoss } from '@lenet/nn-layers';
import { loadModel, saveModel } from '@lenet/nn-layers/node';
import { Generator, tensor } from '@lenet/tensor';

const model = lenet5({ seed: 1 });
console.log(model.toString());

// A batch of 8 random "images" in the paper's input range [-0.1, 1.175].
const generator = new Generator(2);
const input = tensor(
  generator.fillUniform(new Float32Array(8 * 32 * 32), -0.1, 1.175),
  [8, 1, 32, 32],
);
const labels = tensor(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), [8]);

const penalties = model.forward(input);
const loss = rbfMapLoss(penalties, labels); // eq. 9, j = 0.1
loss.backward();
console.log(`MAP loss: ${loss.item().toFixed(4)}`);

const curvature = estimateDiagHessian(model, { input, labels }, 'rbf-map');
model.namedParameters().forEach(([name], index) => {
  const values = curvature[index];
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  console.log(`h_kk ${name.padEnd(14)} mean ${mean.toExponential(2)}`);
});

const dir = await mkdtemp(join(tmpdir(), 'lenet5-'));
await saveModel(dir, model);
const { model: loaded, config } = await loadModel(dir);
console.log(
  `reloaded ${config.name}: ${loaded.parameterCount().toLocaleString('en-US')} parameters`,
);
