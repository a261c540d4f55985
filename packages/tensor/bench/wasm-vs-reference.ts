// The wasm backend side by side with reference, one thread: GEMM GFLOP/s at 64..1024; forward
// + backward of each LeNet-5 layer at batch 1 and 32 (kernel level: the calls the ops make,
// on storage allocated by each backend; C1 skips the input gradient, as training does); and
// the whole LeNet-5 built from tensor ops (loss, backward) per image. Prints a Markdown table;
// never fails on time. Times are medians of CPU time (the machine may be shared).
//   npx tsx --conditions=@lenet/source bench/wasm-vs-reference.ts
import { type Backend, findBackend } from '../src/backend/index.js';
import { Generator, getBackend, setBackend, tensor, uniform } from '../src/index.js';
import { lenet5C3Mask } from '../src/testing/lenet5-c3.js';
import { lenet5 } from './lenet5.js';

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Median CPU milliseconds per call of `run` (samples of at least 5 ms), after warm-up. */
export function timeMs(run: () => void, budget = 500): number {
  for (let i = 0; i < 3; i++) run();
  const samples: number[] = [];
  const end = cpuMs() + budget;
  while (samples.length < 3 || (cpuMs() < end && samples.length < 200)) {
    const start = cpuMs();
    let calls = 0;
    let elapsed = 0;
    do {
      run();
      calls++;
      elapsed = cpuMs() - start;
    } while (elapsed < 5);
    samples.push(elapsed / calls);
  }
  samples.sort((x, y) => x - y);
  return samples[Math.floor(samples.length / 2)];
}

function fill(data: Float32Array, seed: number): Float32Array {
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    data[i] = state / 2 ** 32 - 0.5;
  }
  return data;
}

export function gemmGflops(backend: Backend, size: number): number {
  const [a, b, c] = [0, 1, 2].map(() => backend.allocate(size * size));
  // Views are taken after every allocation (growth detaches earlier ones).
  const args = {
    batch: 1,
    m: size,
    n: size,
    k: size,
    transA: false,
    transB: false,
    alpha: 1,
    beta: 0,
    a: fill(a.data, 1),
    aOffset: 0,
    lda: size,
    aBatchStride: 0,
    b: fill(b.data, 2),
    bOffset: 0,
    ldb: size,
    bBatchStride: 0,
    c: c.data,
    cOffset: 0,
    ldc: size,
    cBatchStride: 0,
  };
  const ms = timeMs(() => backend.gemm(args), size >= 512 ? 1500 : 400);
  return (2 * size ** 3) / (ms * 1e6);
}

interface Layer {
  name: string;
  /** Builds the buffers for `batch` images and returns one forward + backward pass. */
  setup(backend: Backend, batch: number): () => void;
}

// C3's connection table (LeCun et al. 1998, table 1): row = input map, X = connected output map.
const c3Table = lenet5C3Mask();

function convLayer(
  name: string,
  inC: number,
  outC: number,
  size: number,
  connection: Uint8Array | null,
  inputGradient = true,
): Layer {
  return {
    name,
    setup(backend, batch) {
      const out = size - 4;
      const geometry = {
        batch,
        inChannels: inC,
        inHeight: size,
        inWidth: size,
        outChannels: outC,
        kernelHeight: 5,
        kernelWidth: 5,
        strideHeight: 1,
        strideWidth: 1,
        paddingHeight: 0,
        paddingWidth: 0,
        outHeight: out,
        outWidth: out,
        connection,
      };
      const lengths = [batch * inC * size * size, outC * inC * 25, outC, batch * outC * out * out];
      const storages = [
        ...lengths.map((length) => backend.allocate(length)),
        ...[lengths[3], lengths[3], lengths[0], lengths[1], outC].map((length) =>
          backend.allocate(length),
        ),
      ];
      return () => {
        const [input, weight, bias, output, gradOutput, gradPre, gradInput, gradWeight, gradBias] =
          storages.map((storage) => storage.data);
        backend.conv2dForward({ ...geometry, input, weight, bias: null, output });
        backend.biasActivation({
          activation: 'scaledTanh',
          outer: batch,
          channels: outC,
          inner: out * out,
          input: output,
          bias,
          output,
        });
        backend.biasActivationBackward({
          activation: 'scaledTanh',
          outer: batch,
          channels: outC,
          inner: out * out,
          output,
          gradOutput,
          gradInput: gradPre,
          gradBias,
        });
        if (inputGradient) {
          backend.conv2dBackwardInput({ ...geometry, gradOutput: gradPre, weight, gradInput });
        }
        backend.conv2dBackwardWeight({
          ...geometry,
          input,
          gradOutput: gradPre,
          gradWeight,
          gradBias: null,
        });
      };
    },
  };
}

function poolLayer(name: string, channels: number, size: number): Layer {
  return {
    name,
    setup(backend, batch) {
      const out = size / 2;
      const geometry = {
        mode: 'sum' as const,
        planes: batch * channels,
        inHeight: size,
        inWidth: size,
        kernelHeight: 2,
        kernelWidth: 2,
        strideHeight: 2,
        strideWidth: 2,
        outHeight: out,
        outWidth: out,
      };
      const inLength = batch * channels * size * size;
      const outLength = batch * channels * out * out;
      const storages = [
        inLength,
        outLength,
        channels,
        outLength,
        outLength,
        inLength,
        channels,
      ].map((length) => backend.allocate(length));
      return () => {
        const [input, output, bias, gradOutput, gradPre, gradInput, gradBias] = storages.map(
          (storage) => storage.data,
        );
        backend.pool2dForward({ ...geometry, input, output, argmax: null });
        backend.biasActivation({
          activation: 'scaledTanh',
          outer: batch,
          channels,
          inner: out * out,
          input: output,
          bias,
          output,
        });
        backend.biasActivationBackward({
          activation: 'scaledTanh',
          outer: batch,
          channels,
          inner: out * out,
          output,
          gradOutput,
          gradInput: gradPre,
          gradBias,
        });
        backend.pool2dBackward({ ...geometry, gradOutput: gradPre, gradInput, argmax: null });
      };
    },
  };
}

function denseLayer(name: string, inputs: number, outputs: number): Layer {
  return {
    name,
    setup(backend, batch) {
      const lengths = [
        batch * inputs,
        outputs * inputs,
        outputs,
        batch * outputs,
        batch * outputs,
        batch * outputs,
        batch * inputs,
        outputs * inputs,
        outputs,
      ];
      const storages = lengths.map((length) => backend.allocate(length));
      const gemm = {
        batch: 1,
        aOffset: 0,
        bOffset: 0,
        cOffset: 0,
        aBatchStride: 0,
        bBatchStride: 0,
        cBatchStride: 0,
        alpha: 1,
        beta: 0,
      };
      return () => {
        const [input, weight, bias, output, gradOutput, gradPre, gradInput, gradWeight, gradBias] =
          storages.map((storage) => storage.data);
        // output [batch, outputs] = input [batch, inputs] x weight^T
        backend.gemm({
          ...gemm,
          m: batch,
          n: outputs,
          k: inputs,
          transA: false,
          transB: true,
          a: input,
          lda: inputs,
          b: weight,
          ldb: inputs,
          c: output,
          ldc: outputs,
        });
        backend.biasActivation({
          activation: 'scaledTanh',
          outer: batch,
          channels: outputs,
          inner: 1,
          input: output,
          bias,
          output,
        });
        backend.biasActivationBackward({
          activation: 'scaledTanh',
          outer: batch,
          channels: outputs,
          inner: 1,
          output,
          gradOutput,
          gradInput: gradPre,
          gradBias,
        });
        backend.gemm({
          ...gemm,
          m: batch,
          n: inputs,
          k: outputs,
          transA: false,
          transB: false,
          a: gradPre,
          lda: outputs,
          b: weight,
          ldb: inputs,
          c: gradInput,
          ldc: inputs,
        });
        backend.gemm({
          ...gemm,
          m: outputs,
          n: inputs,
          k: batch,
          transA: true,
          transB: false,
          a: gradPre,
          lda: outputs,
          b: input,
          ldb: inputs,
          c: gradWeight,
          ldc: inputs,
        });
      };
    },
  };
}

export const lenetLayers: Layer[] = [
  convLayer('C1 conv 1->6 32x32', 1, 6, 32, null, false),
  poolLayer('S2 pool 6x28x28', 6, 28),
  convLayer('C3 conv 6->16 14x14 (table)', 6, 16, 14, c3Table),
  poolLayer('S4 pool 16x10x10', 16, 10),
  convLayer('C5 conv 16->120 5x5', 16, 120, 5, null),
  denseLayer('F6 dense 120->84', 120, 84),
  denseLayer('output 84->10', 84, 10),
];

/** Forward + backward (loss.backward(), no update) of the whole LeNet-5 built from tensor ops. */
function wholeNetStep(backend: Backend, batch: number): () => void {
  setBackend(backend.name);
  const net = lenet5(1);
  const images = uniform([batch, 1, 32, 32], -0.1, 1.175, new Generator(2));
  const labels = tensor(
    Int32Array.from({ length: batch }, (_, i) => i % 10),
    [batch, 1],
    { dtype: 'int32' },
  );
  return () => {
    setBackend(backend.name);
    for (const parameter of net.parameters) parameter.grad = null;
    net.loss(images, labels).backward();
  };
}

function row(cells: (string | number)[]): string {
  return `| ${cells.map((cell) => (typeof cell === 'number' ? cell.toFixed(cell >= 100 ? 0 : cell >= 10 ? 1 : 3) : cell)).join(' | ')} |`;
}

function main(): void {
  getBackend();
  const wasm = setBackend('wasm');
  const reference = findBackend('reference')!;
  console.log(
    `wasm backend (${wasm.variant}) vs reference, node ${process.version}, one thread, CPU time`,
  );
  console.log('\n| GEMM n x n x n | reference GFLOP/s | wasm GFLOP/s | speed-up |');
  console.log('|---|---|---|---|');
  for (const size of [64, 256, 512, 1024]) {
    const slow = gemmGflops(reference, size);
    const fast = gemmGflops(wasm, size);
    console.log(row([String(size), slow, fast, `${(fast / slow).toFixed(1)}x`]));
  }
  console.log('\n| LeNet-5 forward + backward | batch | reference ms | wasm ms | speed-up |');
  console.log('|---|---|---|---|---|');
  for (const batch of [1, 32]) {
    let referenceTotal = 0;
    let wasmTotal = 0;
    for (const layer of lenetLayers) {
      const slow = timeMs(layer.setup(reference, batch));
      const fast = timeMs(layer.setup(wasm, batch));
      referenceTotal += slow;
      wasmTotal += fast;
      console.log(row([layer.name, String(batch), slow, fast, `${(slow / fast).toFixed(1)}x`]));
    }
    console.log(
      row([
        'sum of the layers, per image',
        String(batch),
        referenceTotal / batch,
        wasmTotal / batch,
        `${(referenceTotal / wasmTotal).toFixed(1)}x`,
      ]),
    );
    const slow = timeMs(wholeNetStep(reference, batch), 1500) / batch;
    const fast = timeMs(wholeNetStep(wasm, batch), 1500) / batch;
    console.log(
      row([
        '**whole LeNet-5 (tensor ops), per image**',
        String(batch),
        slow,
        fast,
        `**${(slow / fast).toFixed(1)}x**`,
      ]),
    );
  }
  setBackend('wasm');
}

main();
