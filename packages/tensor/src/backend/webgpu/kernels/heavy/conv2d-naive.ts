// Direct 2-D convolutions: one invocation per output element, loops over the window. The
// readable specification of the implicit-GEMM kernels (conv2d.ts) and their fallback.
import type {
  Conv2dBackwardInputArgs,
  Conv2dBackwardWeightArgs,
  Conv2dForwardArgs,
  Conv2dGeometry,
} from '../../../backend.js';
import type { GpuContext, GpuShader } from '../../gpu-context.js';
import { channelSums } from './channel-sums.js';
import { foldedGrid, GRID_BUILTINS, GROUP_INDEX } from './grid.js';
import { packUniform, uniformWgsl } from './uniforms.js';

export const convFields = {
  batch: 'u32',
  inChannels: 'u32',
  inHeight: 'u32',
  inWidth: 'u32',
  outChannels: 'u32',
  kernelHeight: 'u32',
  kernelWidth: 'u32',
  strideHeight: 'u32',
  strideWidth: 'u32',
  paddingHeight: 'u32',
  paddingWidth: 'u32',
  outHeight: 'u32',
  outWidth: 'u32',
} as const;

export function packConvUniform(geometry: Conv2dGeometry): ArrayBuffer {
  return packUniform(convFields, geometry);
}

const WORKGROUP = 64;

function cached(build: () => GpuShader, cache: Map<string, GpuShader>, key: string): GpuShader {
  let shader = cache.get(key);
  if (!shader) {
    shader = build();
    cache.set(key, shader);
  }
  return shader;
}

/** `fn connected(o, c) -> bool`, reading the table at `binding` or always true. */
function connectionWgsl(hasTable: boolean, binding: number): string {
  return hasTable
    ? `@group(0) @binding(${binding}) var<storage, read> connection: array<u32>;
fn connected(o: u32, c: u32) -> bool { return connection[o * params.inChannels + c] != 0u; }\n`
    : 'fn connected(o: u32, c: u32) -> bool { return true; }\n';
}

const forwardShaders = new Map<string, GpuShader>();

export function conv2dForwardNaive(gpu: GpuContext, args: Conv2dForwardArgs): void {
  const hasBias = args.bias !== null;
  const hasTable = args.connection !== null;
  const total = args.batch * args.outChannels * args.outHeight * args.outWidth;
  if (total === 0) return;
  const shader = cached(
    () => ({
      label: `heavy/conv2d-forward-naive bias=${hasBias} table=${hasTable}`,
      code: /* wgsl */ `
${uniformWgsl(convFields)}
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> output: array<f32>;
${hasBias ? '@group(0) @binding(4) var<storage, read> bias: array<f32>;' : ''}
${connectionWgsl(hasTable, hasBias ? 5 : 4)}
@compute @workgroup_size(${WORKGROUP})
fn main(${GRID_BUILTINS}) {
  let index = ${GROUP_INDEX} * ${WORKGROUP}u + lid;
  if (index >= params.batch * params.outChannels * params.outHeight * params.outWidth) { return; }
  let ow = index % params.outWidth;
  let oh = (index / params.outWidth) % params.outHeight;
  let o = (index / (params.outWidth * params.outHeight)) % params.outChannels;
  let item = index / (params.outWidth * params.outHeight * params.outChannels);
  var sum = 0.0;
  for (var c = 0u; c < params.inChannels; c++) {
    if (!connected(o, c)) { continue; }
    let plane = (item * params.inChannels + c) * params.inHeight;
    let kernel = (o * params.inChannels + c) * params.kernelHeight;
    for (var kh = 0u; kh < params.kernelHeight; kh++) {
      let ih = i32(oh * params.strideHeight + kh) - i32(params.paddingHeight);
      if (ih < 0 || ih >= i32(params.inHeight)) { continue; }
      for (var kw = 0u; kw < params.kernelWidth; kw++) {
        let iw = i32(ow * params.strideWidth + kw) - i32(params.paddingWidth);
        if (iw < 0 || iw >= i32(params.inWidth)) { continue; }
        sum += input[(plane + u32(ih)) * params.inWidth + u32(iw)] * weight[(kernel + kh) * params.kernelWidth + kw];
      }
    }
  }
  output[index] = sum${hasBias ? ' + bias[o]' : ''};
}
`,
    }),
    forwardShaders,
    `${hasBias}${hasTable}`,
  );
  const buffers = [gpu.input(args.input), gpu.input(args.weight), gpu.output(args.output)];
  if (args.bias) buffers.push(gpu.input(args.bias));
  if (args.connection) buffers.push(gpu.input(args.connection));
  gpu.dispatch(shader, packConvUniform(args), buffers, foldedGrid(Math.ceil(total / WORKGROUP)));
}

const inputShaders = new Map<string, GpuShader>();

/** gradInput by gathering: each input element sums the outputs whose windows cover it. */
export function conv2dBackwardInputNaive(gpu: GpuContext, args: Conv2dBackwardInputArgs): void {
  const hasTable = args.connection !== null;
  const total = args.batch * args.inChannels * args.inHeight * args.inWidth;
  if (total === 0) return;
  const shader = cached(
    () => ({
      label: `heavy/conv2d-backward-input-naive table=${hasTable}`,
      code: /* wgsl */ `
${uniformWgsl(convFields)}
@group(0) @binding(1) var<storage, read> gradOutput: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> gradInput: array<f32>;
${connectionWgsl(hasTable, 4)}
@compute @workgroup_size(${WORKGROUP})
fn main(${GRID_BUILTINS}) {
  let index = ${GROUP_INDEX} * ${WORKGROUP}u + lid;
  if (index >= params.batch * params.inChannels * params.inHeight * params.inWidth) { return; }
  let iw = index % params.inWidth;
  let ih = (index / params.inWidth) % params.inHeight;
  let c = (index / (params.inWidth * params.inHeight)) % params.inChannels;
  let item = index / (params.inWidth * params.inHeight * params.inChannels);
  var sum = 0.0;
  for (var o = 0u; o < params.outChannels; o++) {
    if (!connected(o, c)) { continue; }
    let plane = (item * params.outChannels + o) * params.outHeight;
    let kernel = (o * params.inChannels + c) * params.kernelHeight;
    for (var kh = 0u; kh < params.kernelHeight; kh++) {
      // oh * strideHeight + kh = ih + paddingHeight
      let top = i32(ih + params.paddingHeight) - i32(kh);
      if (top < 0 || u32(top) % params.strideHeight != 0u) { continue; }
      let oh = u32(top) / params.strideHeight;
      if (oh >= params.outHeight) { continue; }
      for (var kw = 0u; kw < params.kernelWidth; kw++) {
        let left = i32(iw + params.paddingWidth) - i32(kw);
        if (left < 0 || u32(left) % params.strideWidth != 0u) { continue; }
        let ow = u32(left) / params.strideWidth;
        if (ow >= params.outWidth) { continue; }
        sum += gradOutput[(plane + oh) * params.outWidth + ow] * weight[(kernel + kh) * params.kernelWidth + kw];
      }
    }
  }
  gradInput[index] = sum;
}
`,
    }),
    inputShaders,
    `${hasTable}`,
  );
  const buffers = [gpu.input(args.gradOutput), gpu.input(args.weight), gpu.output(args.gradInput)];
  if (args.connection) buffers.push(gpu.input(args.connection));
  gpu.dispatch(shader, packConvUniform(args), buffers, foldedGrid(Math.ceil(total / WORKGROUP)));
}

const weightShaders = new Map<string, GpuShader>();

/** gradWeight: one invocation per weight, summing over batch and output positions. */
export function conv2dBackwardWeightNaive(gpu: GpuContext, args: Conv2dBackwardWeightArgs): void {
  const hasTable = args.connection !== null;
  const total = args.outChannels * args.inChannels * args.kernelHeight * args.kernelWidth;
  if (total > 0) {
    const shader = cached(
      () => ({
        label: `heavy/conv2d-backward-weight-naive table=${hasTable}`,
        code: /* wgsl */ `
${uniformWgsl(convFields)}
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> gradOutput: array<f32>;
@group(0) @binding(3) var<storage, read_write> gradWeight: array<f32>;
${connectionWgsl(hasTable, 4)}
@compute @workgroup_size(${WORKGROUP})
fn main(${GRID_BUILTINS}) {
  let index = ${GROUP_INDEX} * ${WORKGROUP}u + lid;
  if (index >= params.outChannels * params.inChannels * params.kernelHeight * params.kernelWidth) { return; }
  let kw = index % params.kernelWidth;
  let kh = (index / params.kernelWidth) % params.kernelHeight;
  let c = (index / (params.kernelWidth * params.kernelHeight)) % params.inChannels;
  let o = index / (params.kernelWidth * params.kernelHeight * params.inChannels);
  var sum = 0.0;
  if (connected(o, c)) {
    for (var item = 0u; item < params.batch; item++) {
      let inPlane = (item * params.inChannels + c) * params.inHeight;
      let outPlane = (item * params.outChannels + o) * params.outHeight;
      for (var oh = 0u; oh < params.outHeight; oh++) {
        let ih = i32(oh * params.strideHeight + kh) - i32(params.paddingHeight);
        if (ih < 0 || ih >= i32(params.inHeight)) { continue; }
        for (var ow = 0u; ow < params.outWidth; ow++) {
          let iw = i32(ow * params.strideWidth + kw) - i32(params.paddingWidth);
          if (iw < 0 || iw >= i32(params.inWidth)) { continue; }
          sum += input[(inPlane + u32(ih)) * params.inWidth + u32(iw)] * gradOutput[(outPlane + oh) * params.outWidth + ow];
        }
      }
    }
  }
  gradWeight[index] = sum;
}
`,
      }),
      weightShaders,
      `${hasTable}`,
    );
    const buffers = [
      gpu.input(args.input),
      gpu.input(args.gradOutput),
      gpu.output(args.gradWeight),
    ];
    if (args.connection) buffers.push(gpu.input(args.connection));
    gpu.dispatch(shader, packConvUniform(args), buffers, foldedGrid(Math.ceil(total / WORKGROUP)));
  }
  if (args.gradBias) {
    channelSums(gpu, {
      outer: args.batch,
      channels: args.outChannels,
      inner: args.outHeight * args.outWidth,
      values: args.gradOutput,
      sums: args.gradBias,
    });
  }
}
