// 2-D convolutions as implicit GEMMs on the GEMM engine: the operands are read straight from
// the image, the weights and the output gradient (no im2col buffer), with the batch folded
// into the columns so one dispatch covers it.
//   forward:         output [outC, images * OH * OW] = weight [outC, C*KH*KW] @ patches [C*KH*KW, images * OH * OW]
//   backward input:  gradInput [C, images * H * W] = weight^T [C, outC*KH*KW] @ gathered gradOutput
//   backward weight: gradWeight [outC, C*KH*KW] = gradOutput [outC, images * OH * OW] @ patches^T
// The backward-input product gathers (each input element sums the outputs whose windows cover
// it), and the weight gradient's deep sum over images x positions runs split-K: no atomics, so
// every result is the same bits each run. The connection table zeroes unconnected weights as
// they are loaded (and their gradient as it is stored).
import type {
  Conv2dBackwardInputArgs,
  Conv2dBackwardWeightArgs,
  Conv2dForwardArgs,
  Conv2dGeometry,
} from '../../../backend.js';
import type { GpuContext } from '../../gpu-context.js';
import { channelSums } from './channel-sums.js';
import { type GemmPlan, type GemmProblem, runGemm } from './gemm-engine.js';

const fields = {
  m: 'u32',
  n: 'u32',
  k: 'u32',
  batch: 'u32',
  images: 'u32',
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

function values(geometry: Conv2dGeometry, m: number, n: number, k: number) {
  const { connection: _, batch, ...rest } = geometry;
  return { ...rest, images: batch, m, n, k, batch: 1 };
}

/** `fn connected(o, c) -> bool`: the table at `binding`, or always true. */
function connectionWgsl(hasTable: boolean, binding: number): string {
  return hasTable
    ? `@group(0) @binding(${binding}) var<storage, read> connection: array<u32>;
fn connected(o: u32, c: u32) -> bool { return connection[o * params.inChannels + c] != 0u; }`
    : 'fn connected(o: u32, c: u32) -> bool { return true; }';
}

/** `fn inputAt(item, c, oh, ow, p) -> f32`: element p = (kh, kw) of the window at (oh, ow); 0 in the padding. */
const INPUT_AT = /* wgsl */ `
fn inputAt(item: u32, c: u32, oh: u32, ow: u32, r: u32) -> f32 {
  let ih = i32(oh * params.strideHeight + r / params.kernelWidth) - i32(params.paddingHeight);
  let iw = i32(ow * params.strideWidth + r % params.kernelWidth) - i32(params.paddingWidth);
  if (ih < 0 || iw < 0 || ih >= i32(params.inHeight) || iw >= i32(params.inWidth)) { return 0.0; }
  return input[((item * params.inChannels + c) * params.inHeight + u32(ih)) * params.inWidth + u32(iw)];
}`;

const WINDOW = 'params.kernelHeight * params.kernelWidth';
const OUT_SPATIAL = 'params.outHeight * params.outWidth';

function forwardDeclarations(hasBias: boolean, hasTable: boolean): string {
  return /* wgsl */ `
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> output: array<f32>;
${hasBias ? '@group(0) @binding(4) var<storage, read> bias: array<f32>;' : ''}
${connectionWgsl(hasTable, hasBias ? 5 : 4)}
${INPUT_AT}
fn loadA(t: u32, o: u32, p: u32) -> f32 {
  if (!connected(o, p / (${WINDOW}))) { return 0.0; }
  return weight[o * params.k + p];
}
fn loadB(t: u32, p: u32, column: u32) -> f32 {
  let s = column % (${OUT_SPATIAL});
  return inputAt(column / (${OUT_SPATIAL}), p / (${WINDOW}), s / params.outWidth, s % params.outWidth, p % (${WINDOW}));
}
fn store(t: u32, o: u32, column: u32, sum: f32) {
  let item = column / (${OUT_SPATIAL});
  output[(item * params.outChannels + o) * ${OUT_SPATIAL} + column % (${OUT_SPATIAL})] = sum${hasBias ? ' + bias[o]' : ''};
}`;
}

function inputDeclarations(hasTable: boolean): string {
  return /* wgsl */ `
@group(0) @binding(1) var<storage, read> gradOutput: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> gradInput: array<f32>;
${connectionWgsl(hasTable, 4)}
fn loadA(t: u32, c: u32, q: u32) -> f32 {
  let o = q / (${WINDOW});
  if (!connected(o, c)) { return 0.0; }
  return weight[(o * params.inChannels + c) * ${WINDOW} + q % (${WINDOW})];
}
fn loadB(t: u32, q: u32, column: u32) -> f32 {
  let inSpatial = params.inHeight * params.inWidth;
  let item = column / inSpatial;
  let ih = (column % inSpatial) / params.inWidth;
  let iw = column % params.inWidth;
  let o = q / (${WINDOW});
  let r = q % (${WINDOW});
  // The output (oh, ow) whose window puts tap r = (kh, kw) on (ih, iw), if any.
  let top = i32(ih + params.paddingHeight) - i32(r / params.kernelWidth);
  let left = i32(iw + params.paddingWidth) - i32(r % params.kernelWidth);
  if (top < 0 || left < 0) { return 0.0; }
  if (u32(top) % params.strideHeight != 0u || u32(left) % params.strideWidth != 0u) { return 0.0; }
  let oh = u32(top) / params.strideHeight;
  let ow = u32(left) / params.strideWidth;
  if (oh >= params.outHeight || ow >= params.outWidth) { return 0.0; }
  return gradOutput[((item * params.outChannels + o) * params.outHeight + oh) * params.outWidth + ow];
}
fn store(t: u32, c: u32, column: u32, sum: f32) {
  let inSpatial = params.inHeight * params.inWidth;
  gradInput[((column / inSpatial) * params.inChannels + c) * inSpatial + column % inSpatial] = sum;
}`;
}

function weightDeclarations(hasTable: boolean): string {
  return /* wgsl */ `
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> gradOutput: array<f32>;
@group(0) @binding(3) var<storage, read_write> gradWeight: array<f32>;
${connectionWgsl(hasTable, 4)}
${INPUT_AT}
fn loadA(t: u32, o: u32, r: u32) -> f32 {
  return gradOutput[((r / (${OUT_SPATIAL})) * params.outChannels + o) * ${OUT_SPATIAL} + r % (${OUT_SPATIAL})];
}
fn loadB(t: u32, r: u32, column: u32) -> f32 {
  let s = r % (${OUT_SPATIAL});
  return inputAt(r / (${OUT_SPATIAL}), column / (${WINDOW}), s / params.outWidth, s % params.outWidth, column % (${WINDOW}));
}
fn store(t: u32, o: u32, column: u32, sum: f32) {
  gradWeight[o * params.n + column] = select(0.0, sum, connected(o, column / (${WINDOW})));
}`;
}

const declarationCache = new Map<string, string>();

function declarations(key: string, build: () => string): string {
  let wgsl = declarationCache.get(key);
  if (wgsl === undefined) {
    wgsl = build();
    declarationCache.set(key, wgsl);
  }
  return wgsl;
}

function windowSize(geometry: Conv2dGeometry): number {
  return geometry.kernelHeight * geometry.kernelWidth;
}

function conv2dForwardProblem(gpu: GpuContext, args: Conv2dForwardArgs): GemmProblem {
  const hasBias = args.bias !== null;
  const hasTable = args.connection !== null;
  const key = `conv2d-forward bias=${hasBias} table=${hasTable}`;
  const buffers = [gpu.input(args.input), gpu.input(args.weight), gpu.output(args.output)];
  if (args.bias) buffers.push(gpu.input(args.bias));
  if (args.connection) buffers.push(gpu.input(args.connection));
  return {
    key,
    fields,
    values: values(
      args,
      args.outChannels,
      args.batch * args.outHeight * args.outWidth,
      args.inChannels * windowSize(args),
    ),
    declarations: declarations(key, () => forwardDeclarations(hasBias, hasTable)),
    buffers,
    aDepthContiguous: true,
    bColumnsContiguous: true,
  };
}

function conv2dBackwardInputProblem(gpu: GpuContext, args: Conv2dBackwardInputArgs): GemmProblem {
  const hasTable = args.connection !== null;
  const key = `conv2d-backward-input table=${hasTable}`;
  const buffers = [gpu.input(args.gradOutput), gpu.input(args.weight), gpu.output(args.gradInput)];
  if (args.connection) buffers.push(gpu.input(args.connection));
  return {
    key,
    fields,
    values: values(
      args,
      args.inChannels,
      args.batch * args.inHeight * args.inWidth,
      args.outChannels * windowSize(args),
    ),
    declarations: declarations(key, () => inputDeclarations(hasTable)),
    buffers,
    aDepthContiguous: true,
    bColumnsContiguous: true,
  };
}

function conv2dBackwardWeightProblem(gpu: GpuContext, args: Conv2dBackwardWeightArgs): GemmProblem {
  const hasTable = args.connection !== null;
  const key = `conv2d-backward-weight table=${hasTable}`;
  const buffers = [gpu.input(args.input), gpu.input(args.gradOutput), gpu.output(args.gradWeight)];
  if (args.connection) buffers.push(gpu.input(args.connection));
  return {
    key,
    fields,
    values: values(
      args,
      args.outChannels,
      args.inChannels * windowSize(args),
      args.batch * args.outHeight * args.outWidth,
    ),
    declarations: declarations(key, () => weightDeclarations(hasTable)),
    buffers,
    aDepthContiguous: true,
    bColumnsContiguous: false,
  };
}

export function conv2dForward(gpu: GpuContext, args: Conv2dForwardArgs, plan?: GemmPlan): void {
  runGemm(gpu, conv2dForwardProblem(gpu, args), plan);
}

export function conv2dBackwardInput(
  gpu: GpuContext,
  args: Conv2dBackwardInputArgs,
  plan?: GemmPlan,
): void {
  runGemm(gpu, conv2dBackwardInputProblem(gpu, args), plan);
}

export function conv2dBackwardWeight(
  gpu: GpuContext,
  args: Conv2dBackwardWeightArgs,
  plan?: GemmPlan,
): void {
  runGemm(gpu, conv2dBackwardWeightProblem(gpu, args), plan);
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
