import { zeros } from '@lenet/tensor';

const n = 48000;
function update(
  weights: Float32Array,
  gradient: Float32Array,
  velocity: Float32Array,
  rate: number,
  momentum: number,
  decay: number,
  nesterov: boolean,
) {
  for (let i = 0; i < weights.length; i++) {
    const g = gradient[i] + decay * weights[i];
    const v = momentum * velocity[i] + g;
    velocity[i] = v;
    weights[i] -= rate * (nesterov ? g + momentum * v : v);
  }
}
const w = zeros([n]),
  g = zeros([n]);
const v = new Float32Array(n);
const pw = new Float32Array(n),
  pg = new Float32Array(n);
for (const [name, a, b] of [
  ['wasm', w, g],
  ['plain', pw, pg],
] as const) {
  const A = a instanceof Float32Array ? a : a.data;
  const B = b instanceof Float32Array ? b : b.data;
  for (let i = 0; i < 200; i++) update(A, B, v, 0.01, 0.9, 0, false);
  const t = performance.now();
  for (let i = 0; i < 2000; i++) update(A, B, v, 0.01, 0.9, 0, false);
  console.log(name, (((performance.now() - t) * 1e6) / 2000 / n).toFixed(2), 'ns/elem');
}
