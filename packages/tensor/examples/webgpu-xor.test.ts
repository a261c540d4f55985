import { afterAll, expect, it } from 'vitest';
import { webGpuForTests } from '../src/backend/webgpu/node-webgpu.test-support.js';
import { getBackend, setBackend } from '../src/index.js';
import { trainXorOnWebGpu } from './webgpu-xor.js';

const backend = await webGpuForTests();
const initial = getBackend().name;
afterAll(() => {
  setBackend(initial);
});

it.skipIf(backend === null)('trains XOR on webgpu (the README example)', async () => {
  const lines: string[] = [];
  await trainXorOnWebGpu((line) => lines.push(line));
  // The numbers printed in README.md (the wasm example's, to float32 rounding).
  expect(lines).toEqual([
    'step 100: loss 0.0263',
    'step 200: loss 0.0102',
    'step 300: loss 0.0058',
    'step 400: loss 0.0040',
    'step 500: loss 0.0029',
  ]);
});
