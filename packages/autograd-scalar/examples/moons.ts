// micrograd's demo: a 2-16-16-1 ReLU MLP separating 100 two-moons points, trained with the
// hinge loss plus L2 regularisation by 100 steps of full-batch SGD.
// Run: npx tsx --conditions=@lenet/source examples/moons.ts
import { trainMoons } from '@lenet/autograd-scalar';

const started = performance.now();
const { model, data, history } = trainMoons({
  onStep: ({ step, loss, accuracy }) => {
    if (step % 10 === 0 || step === 99) {
      console.log(
        `step ${step}: loss ${loss.toFixed(4)}, accuracy ${(100 * accuracy).toFixed(0)}%`,
      );
    }
  },
});
console.log(
  `${model.parameters().length} parameters, ${history.length} steps in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

// The decision boundary as text: '#' where the model says +1 (lower moon), '.' for -1;
// training points are drawn as 'o' (-1) and 'x' (+1).
const rows: string[] = [];
for (let y = 1.5; y >= -1; y -= 0.125) {
  let row = '';
  for (let x = -1.5; x <= 2.5; x += 0.0625) {
    const point = data.points.findIndex(
      ([px, py]) => Math.abs(px - x) < 0.03125 && Math.abs(py - y) < 0.0625,
    );
    if (point >= 0) row += data.labels[point] === 1 ? 'x' : 'o';
    else row += model.forward([x, y])[0].data > 0 ? '#' : '.';
  }
  rows.push(row);
}
console.log(rows.join('\n'));
