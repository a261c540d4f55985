/** A chain of modules applied in order, named '0', '1', ... or by the names given. */
import type { Tensor } from '@lenet/tensor';
import { Module, type SummaryRow } from '../module.js';

export class Sequential extends Module {
  readonly layers: readonly Module[];

  constructor(layers: readonly Module[] | Record<string, Module>) {
    super();
    const entries = Array.isArray(layers)
      ? layers.map((layer, index): [string, Module] => [String(index), layer])
      : Object.entries(layers);
    if (entries.length === 0) throw new RangeError('Sequential: needs at least one layer');
    this.layers = entries.map(([name, layer]) => this.registerModule(name, layer));
  }

  forward(input: Tensor): Tensor {
    let value = input;
    for (const layer of this.layers) value = layer.forward(value);
    return value;
  }

  /** The input of every layer and the final output (length = layers + 1). */
  forwardTrace(input: Tensor): Tensor[] {
    const values = [input];
    for (const layer of this.layers) values.push(layer.forward(values[values.length - 1]));
    return values;
  }

  override traceSummary(name: string, input: Tensor, rows: SummaryRow[]): Tensor {
    let value = input;
    for (const [childName, child] of this.namedChildren()) {
      value = child.traceSummary(name ? `${name}.${childName}` : childName, value, rows);
    }
    return value;
  }
}
