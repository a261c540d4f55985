// Users never call dispose(): a synchronous training loop (no turn of the event loop, so no
// FinalizationRegistry callback ever runs) must still keep the WebAssembly memory flat. The
// 10,000-step figure is printed by bench/memory-flat.ts.
import { expect, it } from 'vitest';
import { lenet5, trainStep } from '../../../bench/lenet5.js';
import { tensor, uniform } from '../../creation.js';
import { Generator } from '../../generator.js';
import { registerBackend, setBackend } from '../registry.js';
import { createWasmBackendSync, wasmMemoryStatistics } from './wasm-backend.js';

it('keeps WebAssembly memory flat over LeNet-5 training steps', () => {
  // A 2 MB resident limit, so that a few steps reach it (the default is 64 MB).
  const wasm = createWasmBackendSync({ residentBytesLimit: 2 * 2 ** 20 });
  registerBackend('wasm-small-limit', wasm.kernels, { variant: wasm.variant });
  const backend = setBackend('wasm-small-limit');
  const generator = new Generator(3);
  const images = uniform([4, 1, 32, 32], -0.1, 1.175, generator);
  const labels = tensor(new Int32Array([3, 1, 4, 1]), [4, 1], { dtype: 'int32' });
  const net = lenet5(2);
  const losses: number[] = [];
  const reservedAfter = (steps: number) => {
    for (let step = 0; step < steps; step++) losses.push(trainStep(net, images, labels, 0.02));
    return wasmMemoryStatistics(backend)!.reservedBytes;
  };
  const early = reservedAfter(40);
  const late = reservedAfter(80);
  expect(late).toBe(early);
  expect(wasmMemoryStatistics(backend)!.evictions).toBeGreaterThan(10);
  // and it learned something: the loss on its four images went down
  expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.5);
});
