import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uniform, zeros } from '../creation.js';
import { DTypeError, ShapeError } from '../errors.js';
import { Generator } from '../generator.js';
import type { Tensor } from '../tensor.js';
import { compareGradients } from '../testing/gradient-check.js';
import { lenet5C3Table } from '../testing/lenet5-c3.js';
import { conv2d } from './conv.js';

/** The definition, as seven nested loops in float64: the oracle. */
function directConv2d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  stride: [number, number],
  padding: [number, number],
  connection: boolean[][] | null,
): Float64Array {
  const [batch, inChannels, inHeight, inWidth] = input.shape;
  const [outChannels, , kernelHeight, kernelWidth] = weight.shape;
  const outHeight = Math.floor((inHeight + 2 * padding[0] - kernelHeight) / stride[0]) + 1;
  const outWidth = Math.floor((inWidth + 2 * padding[1] - kernelWidth) / stride[1]) + 1;
  const out = new Float64Array(batch * outChannels * outHeight * outWidth);
  const x = input.data;
  const w = weight.data;
  let index = 0;
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outChannels; o++) {
      for (let oh = 0; oh < outHeight; oh++) {
        for (let ow = 0; ow < outWidth; ow++) {
          let total = bias ? bias.data[o] : 0;
          for (let c = 0; c < inChannels; c++) {
            if (connection && !connection[o][c]) continue;
            for (let kh = 0; kh < kernelHeight; kh++) {
              for (let kw = 0; kw < kernelWidth; kw++) {
                const ih = oh * stride[0] - padding[0] + kh;
                const iw = ow * stride[1] - padding[1] + kw;
                if (ih < 0 || ih >= inHeight || iw < 0 || iw >= inWidth) continue;
                total +=
                  x[((n * inChannels + c) * inHeight + ih) * inWidth + iw] *
                  w[((o * inChannels + c) * kernelHeight + kh) * kernelWidth + kw];
              }
            }
          }
          out[index++] = total;
        }
      }
    }
  }
  return out;
}

const C3_TABLE = lenet5C3Table();

describe('conv2d forward against the nested-loop definition', () => {
  const generator = new Generator(21);

  it('LeNet-5 C1 (1 -> 6, 32x32, 5x5) and C3 with the connection table', () => {
    const c1Input = uniform([2, 1, 32, 32], -1, 1, generator);
    const c1Weight = uniform([6, 1, 5, 5], -1, 1, generator);
    const c1Bias = uniform([6], -1, 1, generator);
    const c1 = conv2d(c1Input, c1Weight, c1Bias);
    expect(c1.shape).toEqual([2, 6, 28, 28]);
    expect(c1.data).toBeAllclose(directConv2d(c1Input, c1Weight, c1Bias, [1, 1], [0, 0], null), {
      rtol: 1e-4,
      atol: 1e-4,
    });

    const c3Input = uniform([2, 6, 14, 14], -1, 1, generator);
    const c3Weight = uniform([16, 6, 5, 5], -1, 1, generator);
    const c3Bias = uniform([16], -1, 1, generator);
    const c3 = conv2d(c3Input, c3Weight, c3Bias, { connection: C3_TABLE });
    expect(c3.shape).toEqual([2, 16, 10, 10]);
    expect(c3.data).toBeAllclose(
      directConv2d(c3Input, c3Weight, c3Bias, [1, 1], [0, 0], C3_TABLE),
      { rtol: 1e-4, atol: 1e-4 },
    );
  });

  it('LeNet-5 C5 (a kernel covering the whole input runs as one dense GEMM)', () => {
    const input = uniform([3, 16, 5, 5], -1, 1, generator);
    const weight = uniform([120, 16, 5, 5], -1, 1, generator);
    const bias = uniform([120], -1, 1, generator);
    const c5 = conv2d(input, weight, bias);
    expect(c5.shape).toEqual([3, 120, 1, 1]);
    expect(c5.data).toBeAllclose(directConv2d(input, weight, bias, [1, 1], [0, 0], null), {
      rtol: 1e-4,
      atol: 1e-4,
    });
  });

  it('random shapes with stride, padding and tables', () => {
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.integer({ min: 1, max: 2 }),
          inChannels: fc.integer({ min: 1, max: 3 }),
          outChannels: fc.integer({ min: 1, max: 4 }),
          height: fc.integer({ min: 1, max: 9 }),
          width: fc.integer({ min: 1, max: 9 }),
          kernelHeight: fc.integer({ min: 1, max: 4 }),
          kernelWidth: fc.integer({ min: 1, max: 4 }),
          stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
          sparse: fc.boolean(),
          withBias: fc.boolean(),
        }),
        (c) => {
          fc.pre(
            c.height + 2 * c.padding[0] >= c.kernelHeight &&
              c.width + 2 * c.padding[1] >= c.kernelWidth,
          );
          const input = uniform([c.batch, c.inChannels, c.height, c.width], -1, 1, generator);
          const weight = uniform(
            [c.outChannels, c.inChannels, c.kernelHeight, c.kernelWidth],
            -1,
            1,
            generator,
          );
          const bias = c.withBias ? uniform([c.outChannels], -1, 1, generator) : null;
          const table = c.sparse
            ? Array.from({ length: c.outChannels }, (_, o) =>
                Array.from({ length: c.inChannels }, (_, i) => (o + i) % 2 === 0),
              )
            : null;
          const out = conv2d(input, weight, bias, {
            stride: c.stride,
            padding: c.padding,
            connection: table,
          });
          expect(out.data).toBeAllclose(
            directConv2d(input, weight, bias, c.stride, c.padding, table),
            { rtol: 1e-4, atol: 1e-4 },
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('conv2d gradients (central differences)', () => {
  const generator = new Generator(22);
  const tolerance = { rtol: 2e-2, atol: 2e-3 };

  it('for input, weight and bias with stride 2, padding 1 and a connection table', () => {
    const input = uniform([2, 3, 6, 5], -1, 1, generator);
    const weight = uniform([4, 3, 3, 2], -1, 1, generator);
    const bias = uniform([4], -1, 1, generator);
    const table = [
      [1, 0, 1],
      [0, 1, 1],
      [1, 1, 1],
      [0, 0, 1],
    ];
    const results = compareGradients(
      (x, w, b) => conv2d(x, w, b, { stride: 2, padding: [1, 0], connection: table }),
      [input, weight, bias],
    );
    for (const { analytic, numeric } of results) expect(analytic).toBeAllclose(numeric, tolerance);
    // unconnected weights get exactly zero gradient
    const weightGrad = results[1].analytic;
    expect(weightGrad[(0 * 3 + 1) * 6]).toBe(0);
    expect(weightGrad[(3 * 3 + 0) * 6 + 5]).toBe(0);
  });

  it('for input, weight and bias of a kernel covering the whole input (the dense path)', () => {
    const input = uniform([2, 3, 4, 3], -1, 1, generator);
    const weight = uniform([5, 3, 4, 3], -1, 1, generator);
    const bias = uniform([5], -1, 1, generator);
    const results = compareGradients((x, w, b) => conv2d(x, w, b), [input, weight, bias]);
    for (const { analytic, numeric } of results) expect(analytic).toBeAllclose(numeric, tolerance);
  });

  it('over random geometries', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 1 }),
        (kernel, stride, channels, padding) => {
          const input = uniform([1, channels, 5, 4], -1, 1, generator);
          const weight = uniform([2, channels, kernel, kernel], -1, 1, generator);
          const bias = uniform([2], -1, 1, generator);
          const results = compareGradients(
            (x, w, b) => conv2d(x, w, b, { stride, padding }),
            [input, weight, bias],
          );
          for (const { analytic, numeric } of results)
            expect(analytic).toBeAllclose(numeric, tolerance);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('conv2d errors', () => {
  it('names the op and the shapes', () => {
    expect(() => conv2d(zeros([1, 2, 5, 5]), zeros([3, 1, 3, 3]))).toThrow(ShapeError);
    expect(() => conv2d(zeros([1, 2, 5, 5]), zeros([3, 1, 3, 3]))).toThrow(
      /conv2d: got shapes \[1, 2, 5, 5\], \[3, 1, 3, 3\]/,
    );
    expect(() => conv2d(zeros([2, 5, 5]), zeros([3, 2, 3, 3]))).toThrow(/input \[N, C, H, W\]/);
    expect(() => conv2d(zeros([1, 1, 2, 2]), zeros([1, 1, 3, 3]))).toThrow(
      /no larger than the padded input/,
    );
    expect(() => conv2d(zeros([1, 2, 5, 5]), zeros([3, 2, 3, 3]), zeros([2]))).toThrow(
      /bias of shape \[3\]/,
    );
    expect(() =>
      conv2d(zeros([1, 2, 5, 5]), zeros([3, 2, 3, 3]), null, { connection: [[1, 1]] }),
    ).toThrow(/connection table of 3 x 2/);
    expect(() =>
      conv2d(zeros([1, 2, 5, 5], { dtype: 'int32' }) as never, zeros([3, 2, 3, 3])),
    ).toThrow(DTypeError);
    expect(() => conv2d(zeros([1, 2, 5, 5]), zeros([3, 2, 3, 3]), null, { stride: 0 })).toThrow(
      /stride must be an integer >= 1/,
    );
  });
});
