// The WebGPU heavy kernels, each path side by side on one device: GEMM GFLOP/s of the tiled
// engine (its own plan) against the naive kernel at a few sizes, then LeNet-5's convolution
// layers at batch 32 (forward, input gradient, weight gradient) planned vs naive. Each sample
// records `reps` calls into one command buffer and waits for it; the variants alternate
// sample by sample, and the median per call is printed. Prints a Markdown table; never fails
// on time; skips (exit 0) without a WebGPU adapter.
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json \
//     npx tsx --conditions=@lenet/source bench/webgpu-gemm.ts
// SwiftShader (a CPU emulation) says little about a GPU; the ratios still show what tiling
// and split-K save in memory traffic and invocations.
import { type Conv2dGeometry, windowOutputSize } from '../src/backend/index.js';
import {
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
} from '../src/backend/webgpu/kernels/heavy/conv2d.js';
import {
  closeTestDevice,
  DawnGpuContext,
  testDevice,
  webGpuSkipReason,
} from '../src/backend/webgpu/kernels/heavy/dawn-gpu-context.test-support.js';
import { gemm } from '../src/backend/webgpu/kernels/heavy/gemm.js';
import { type GemmPlan, planGemm } from '../src/backend/webgpu/kernels/heavy/gemm-engine.js';
import { Generator } from '../src/generator.js';
import { lenet5C3Mask } from '../src/testing/lenet5-c3.js';

const device = await testDevice();
if (!device) {
  console.log(`webgpu-gemm: skipped, ${webGpuSkipReason}`);
  process.exit(0);
}
const generator = new Generator(1);
const floats = (length: number) => generator.fillUniform(new Float32Array(length), -1, 1);
const samples = Number(process.env.SAMPLES ?? 5);

interface Variant {
  name: string;
  record(gpu: DawnGpuContext): void;
}

/** Median milliseconds per call of each variant, sampled alternately. */
async function measure(variants: Variant[], reps: number): Promise<number[]> {
  const contexts = variants.map(() => new DawnGpuContext(device as GPUDevice));
  // Warm-up: uploads and pipeline compilation.
  for (const [index, variant] of variants.entries()) {
    variant.record(contexts[index]);
    await contexts[index].submit();
  }
  const times: number[][] = variants.map(() => []);
  for (let sample = 0; sample < samples; sample++) {
    for (const [index, variant] of variants.entries()) {
      const start = performance.now();
      for (let rep = 0; rep < reps; rep++) variant.record(contexts[index]);
      await contexts[index].submit();
      times[index].push((performance.now() - start) / reps);
    }
  }
  for (const context of contexts) context.destroy();
  return times.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]);
}

const NAIVE = (m: number, n: number, k: number, batch: number): GemmPlan =>
  planGemm(m, n, k, batch, { tile: null, splits: 1 });

console.log(
  `WebGPU heavy kernels (${(await (device as GPUDevice).adapterInfo)?.description || 'adapter'}), median of ${samples} samples\n`,
);
console.log('| GEMM m=n=k | planned | ms | GFLOP/s | naive ms | naive GFLOP/s | speed-up |');
console.log('|---|---|---|---|---|---|---|');
for (const size of (process.env.SIZES ?? '64,128,256').split(',').map(Number)) {
  const args = {
    batch: 1,
    m: size,
    n: size,
    k: size,
    transA: false,
    transB: false,
    alpha: 1,
    beta: 0,
    a: floats(size * size),
    aOffset: 0,
    lda: size,
    aBatchStride: 0,
    b: floats(size * size),
    bOffset: 0,
    ldb: size,
    bBatchStride: 0,
    c: new Float32Array(size * size),
    cOffset: 0,
    ldc: size,
    cBatchStride: 0,
  };
  const plan = planGemm(size, size, size, 1);
  const reps = size <= 64 ? 8 : size <= 128 ? 4 : 1;
  const [tiled, naive] = await measure(
    [
      { name: 'planned', record: (gpu) => gemm(gpu, args, plan) },
      { name: 'naive', record: (gpu) => gemm(gpu, args, NAIVE(size, size, size, 1)) },
    ],
    reps,
  );
  const flops = 2 * size ** 3;
  const gflops = (ms: number) => (flops / ms / 1e6).toFixed(2);
  const planName = `${plan.tile?.name ?? 'naive'}${plan.splits > 1 ? ` split ${plan.splits}` : ''}`;
  console.log(
    `| ${size} | ${planName} | ${tiled.toFixed(2)} | ${gflops(tiled)} | ${naive.toFixed(2)} | ${gflops(naive)} | ${(naive / tiled).toFixed(2)}x |`,
  );
}

function geometry(
  batch: number,
  inChannels: number,
  outChannels: number,
  size: number,
  connection: Uint8Array | null,
): Conv2dGeometry {
  const out = windowOutputSize(size, 5, 1);
  return {
    batch,
    inChannels,
    inHeight: size,
    inWidth: size,
    outChannels,
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
}

const batch = Number(process.env.BATCH ?? 32);
const layers: [string, Conv2dGeometry][] = [
  ['C1 1->6 32x32', geometry(batch, 1, 6, 32, null)],
  ['C3 6->16 14x14 (table)', geometry(batch, 6, 16, 14, lenet5C3Mask())],
  ['C5 16->120 5x5', geometry(batch, 16, 120, 5, null)],
];
console.log(
  `\n| LeNet-5 layer, batch ${batch} | pass | GEMM m x n x k | plan | ms | naive ms | speed-up |`,
);
console.log('|---|---|---|---|---|---|---|');
for (const [name, shape] of layers) {
  const { inChannels, outChannels, inHeight, inWidth, outHeight, outWidth } = shape;
  const window = 25;
  const input = floats(batch * inChannels * inHeight * inWidth);
  const weight = floats(outChannels * inChannels * window);
  const gradOutput = floats(batch * outChannels * outHeight * outWidth);
  // Arguments built once, so each context uploads them once.
  const forwardArgs = {
    ...shape,
    input,
    weight,
    bias: floats(outChannels),
    output: new Float32Array(gradOutput.length),
  };
  const inputArgs = { ...shape, gradOutput, weight, gradInput: new Float32Array(input.length) };
  const weightArgs = {
    ...shape,
    input,
    gradOutput,
    gradWeight: new Float32Array(weight.length),
    gradBias: null,
  };
  const passes: [
    string,
    [number, number, number],
    (gpu: DawnGpuContext, plan: GemmPlan) => void,
  ][] = [
    [
      'forward',
      [outChannels, batch * outHeight * outWidth, inChannels * window],
      (gpu, plan) => conv2dForward(gpu, forwardArgs, plan),
    ],
    [
      'input gradient',
      [inChannels, batch * inHeight * inWidth, outChannels * window],
      (gpu, plan) => conv2dBackwardInput(gpu, inputArgs, plan),
    ],
    [
      'weight gradient',
      [outChannels, inChannels * window, batch * outHeight * outWidth],
      (gpu, plan) => conv2dBackwardWeight(gpu, weightArgs, plan),
    ],
  ];
  for (const [pass, [m, n, k], run] of passes) {
    const plan = planGemm(m, n, k, 1);
    const [plannedMs, naiveMs] = await measure(
      [
        { name: 'planned', record: (gpu) => run(gpu, plan) },
        { name: 'naive', record: (gpu) => run(gpu, NAIVE(m, n, k, 1)) },
      ],
      1,
    );
    const planName = `${plan.tile?.name ?? 'naive'}${plan.splits > 1 ? ` split ${plan.splits}` : ''}`;
    console.log(
      `| ${name} | ${pass} | ${m} x ${n} x ${k} | ${planName} | ${plannedMs.toFixed(2)} | ${naiveMs.toFixed(2)} | ${(naiveMs / plannedMs).toFixed(2)}x |`,
    );
  }
}

await closeTestDevice();
process.exit(0);
