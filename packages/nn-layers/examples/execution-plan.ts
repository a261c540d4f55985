// One LeNet-5 training step through an execution plan, checked against the autograd tape, and
// the SDLM curvature through the same plan. Run:
// npx tsx --conditions=@lenet/source examples/execution-plan.ts
import { Generator, tensor } from '@lenet/tensor';
import {
  compilePlan,
  computeLoss,
  estimateDiagHessian,
  lenet5,
  supportsPlan,
} from '../src/index.js';

const model = lenet5({ seed: 1 });
const generator = new Generator(7);
const images = generator.fillUniform(new Float32Array(8 * 1024), -0.1, 1.175);
const labels = Int32Array.from({ length: 8 }, (_, i) => i);

console.log(`supportsPlan(lenet5, rbf-map): ${supportsPlan(model, { loss: 'rbf-map' })}`);
const plan = compilePlan(model, { batchSize: 8, loss: 'rbf-map' });
const planLoss = plan.trainStep(images, labels); // forward, loss, backward: sets every .grad
const planGradients = model.parameters().map((parameter) => parameter.grad!.data.slice());

model.zeroGrad();
const tapeLoss = computeLoss(
  'rbf-map',
  model.forward(tensor(images, [8, 1, 32, 32])),
  tensor(labels, [8]),
);
tapeLoss.backward();
let largest = 0;
model.parameters().forEach((parameter, index) => {
  parameter.grad!.data.forEach((value, i) => {
    largest = Math.max(largest, Math.abs(value - planGradients[index][i]));
  });
});
console.log(`MAP loss: plan ${planLoss.toFixed(4)}, tape ${tapeLoss.item().toFixed(4)}`);
console.log(`largest gradient difference: ${largest.toExponential(1)}`);

const planCurvature = plan.estimateDiagHessian(images, labels);
const tapeCurvature = estimateDiagHessian(
  model,
  { input: tensor(images, [8, 1, 32, 32]), labels: tensor(labels, [8]) },
  'rbf-map',
);
const mean = (values: Float32Array) => values.reduce((a, b) => a + b, 0) / values.length;
console.log(
  `h_kk f6.weight mean: plan ${mean(planCurvature[10]).toExponential(3)}, tape ${mean(tapeCurvature[10]).toExponential(3)}`,
);
