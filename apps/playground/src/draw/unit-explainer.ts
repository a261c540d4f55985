/**
 * Where one unit's value comes from (CNN Explainer's convolution view, for LeNet-5): the input
 * window it reads, the weights it applies, the weighted sum plus bias, and the squashing
 * function. Recomputed here from the layer's parameters and its input activations, so the page
 * can show that the sum gives the very value the layer output.
 */
import {
  Conv2d,
  Linear,
  type Module,
  RBFOutput,
  type Sequential,
  Subsampling,
} from '@lenet/nn-layers';
import type { LayerActivation } from '../network.js';

/** The squashing functions of the zoo's layers, by name. */
export function activate(name: string, a: number): number {
  switch (name) {
    case 'scaledTanh':
      return 1.7159 * Math.tanh((2 / 3) * a);
    case 'tanh':
      return Math.tanh(a);
    case 'relu':
      return Math.max(0, a);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-a));
    default:
      return a;
  }
}

interface Common {
  layer: string;
  /** The value the layer itself output for this unit. */
  actual: number;
}

export interface ConvExplanation extends Common {
  kind: 'conv';
  map: number;
  x: number;
  y: number;
  /** One term per input map this output map reads (C3: its row of the connection table). */
  terms: { channel: number; window: Float32Array; kernel: Float32Array; partial: number }[];
  kernelSize: number;
  inChannels: number;
  /** [outChannels x inChannels] 0/1, or null when every map reads every input map. */
  table: Uint8Array | null;
  bias: number;
  preActivation: number;
  activation: string;
  value: number;
}

export interface SubsamplingExplanation extends Common {
  kind: 'subsampling';
  map: number;
  x: number;
  y: number;
  window: Float32Array;
  sum: number;
  coefficient: number;
  bias: number;
  preActivation: number;
  activation: string;
  value: number;
}

export interface LinearExplanation extends Common {
  kind: 'linear';
  unit: number;
  inputs: Float32Array;
  weights: Float32Array;
  bias: number;
  preActivation: number;
  activation: string;
  value: number;
}

export interface RbfExplanation extends Common {
  kind: 'rbf';
  unit: number;
  /** F6's outputs, the class code they are compared with, and (F6 - code)^2 per unit. */
  f6: Float32Array;
  code: Float32Array;
  squares: Float32Array;
  value: number;
}

export type UnitExplanation =
  | ConvExplanation
  | SubsamplingExplanation
  | LinearExplanation
  | RbfExplanation;

/** Which unit: a map and position for feature maps, an index for vectors. */
export interface UnitRef {
  layer: string;
  map: number;
  x: number;
  y: number;
}

function moduleNamed(model: Sequential, name: string): { module: Module; index: number } | null {
  const children = model.namedChildren();
  const index = children.findIndex(([childName]) => childName === name);
  return index < 0 ? null : { module: children[index][1], index };
}

/**
 * Explains `unit` of `model` given the forward trace `layers` (the input first, then every
 * child's output); null for a layer that has nothing to explain (flatten) or an unknown unit.
 */
export function explainUnit(
  model: Sequential,
  layers: readonly LayerActivation[],
  unit: UnitRef,
): UnitExplanation | null {
  const found = moduleNamed(model, unit.layer);
  if (!found) return null;
  const input = layers[found.index];
  const output = layers[found.index + 1];
  const { module } = found;
  if (module instanceof Conv2d) {
    const [inChannels, inHeight, inWidth] = input.shape;
    const [, outHeight, outWidth] = output.shape;
    const [k] = module.kernelSize;
    if (unit.map >= module.outChannels || unit.x >= outWidth || unit.y >= outHeight) return null;
    const weights = module.weight.data as Float32Array;
    const terms: ConvExplanation['terms'] = [];
    let sum = 0;
    for (let c = 0; c < inChannels; c++) {
      if (module.connection && !module.connection[unit.map * inChannels + c]) continue;
      const window = new Float32Array(k * k);
      const kernel = weights.slice(
        (unit.map * inChannels + c) * k * k,
        (unit.map * inChannels + c + 1) * k * k,
      );
      let partial = 0;
      for (let u = 0; u < k; u++) {
        for (let v = 0; v < k; v++) {
          const value = input.data[c * inHeight * inWidth + (unit.y + u) * inWidth + unit.x + v];
          window[u * k + v] = value;
          partial += value * kernel[u * k + v];
        }
      }
      sum += partial;
      terms.push({ channel: c, window, kernel, partial });
    }
    const bias = module.bias ? (module.bias.data as Float32Array)[unit.map] : 0;
    const preActivation = sum + bias;
    return {
      kind: 'conv',
      layer: unit.layer,
      map: unit.map,
      x: unit.x,
      y: unit.y,
      terms,
      kernelSize: k,
      inChannels,
      table: module.connection,
      bias,
      preActivation,
      activation: module.activation,
      value: activate(module.activation, preActivation),
      actual: output.data[(unit.map * outHeight + unit.y) * outWidth + unit.x],
    };
  }
  if (module instanceof Subsampling) {
    const [, inHeight, inWidth] = input.shape;
    const [channels, outHeight, outWidth] = output.shape;
    const k = module.kernelSize;
    if (unit.map >= channels || unit.x >= outWidth || unit.y >= outHeight) return null;
    // With a multiplier above one, several output maps read the same input map.
    const source = Math.floor(unit.map / module.multiplier);
    const window = new Float32Array(k * k);
    let sum = 0;
    for (let u = 0; u < k; u++) {
      for (let v = 0; v < k; v++) {
        const value =
          input.data[source * inHeight * inWidth + (unit.y * k + u) * inWidth + unit.x * k + v];
        window[u * k + v] = value;
        sum += value;
      }
    }
    const coefficient = (module.coefficient.data as Float32Array)[unit.map];
    const bias = (module.bias.data as Float32Array)[unit.map];
    const preActivation = coefficient * sum + bias;
    return {
      kind: 'subsampling',
      layer: unit.layer,
      map: unit.map,
      x: unit.x,
      y: unit.y,
      window,
      sum,
      coefficient,
      bias,
      preActivation,
      activation: module.activation,
      value: activate(module.activation, preActivation),
      actual: output.data[(unit.map * outHeight + unit.y) * outWidth + unit.x],
    };
  }
  if (module instanceof Linear) {
    const inputs = input.data;
    const outFeatures = output.data.length;
    if (unit.map >= outFeatures) return null;
    const weights = (module.weight.data as Float32Array).slice(
      unit.map * inputs.length,
      (unit.map + 1) * inputs.length,
    );
    let sum = 0;
    for (let i = 0; i < inputs.length; i++) sum += weights[i] * inputs[i];
    const bias = module.bias ? (module.bias.data as Float32Array)[unit.map] : 0;
    const preActivation = sum + bias;
    return {
      kind: 'linear',
      layer: unit.layer,
      unit: unit.map,
      inputs: Float32Array.from(inputs),
      weights,
      bias,
      preActivation,
      activation: module.activation,
      value: activate(module.activation, preActivation),
      actual: output.data[unit.map],
    };
  }
  if (module instanceof RBFOutput) {
    const f6 = Float32Array.from(input.data);
    if (unit.map >= output.data.length) return null;
    const code = (module.centers.data as Float32Array).slice(
      unit.map * f6.length,
      (unit.map + 1) * f6.length,
    );
    const squares = f6.map((value, i) => (value - code[i]) ** 2);
    return {
      kind: 'rbf',
      layer: unit.layer,
      unit: unit.map,
      f6,
      code,
      squares,
      value: squares.reduce((a, b) => a + b, 0),
      actual: output.data[unit.map],
    };
  }
  return null;
}
