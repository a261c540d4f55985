// A third-party backend in a few lines (the README's "Writing a backend" example): it brings
// its own `subtractProduct` and `unary` kernels, takes the rest from `reference`, and checks
// itself with the shipped conformance suite, outside any test framework.
import { findBackend, registerBackend, type UnaryArgs } from '@lenet/tensor/backend';
import { checkConformance } from '@lenet/tensor/testing';

const reference = findBackend('reference')!;

registerBackend('mine', {
  subtractProduct({ length, a, b, output }) {
    for (let i = 0; i < length; i++) output[i] -= Math.fround(a[i] * b[i]);
  },
  // A deliberately wrong `neg` (x -> x), to show what a failure looks like.
  unary(args: UnaryArgs) {
    if (args.op !== 'neg') return reference.unary(args);
    for (let i = 0; i < args.length; i++) args.output[i] = args.input[i];
  },
});

const { passed, skipped, failures } = checkConformance('mine');
console.log(`${passed} cases passed, ${skipped} skipped (reference's own kernels)`);
for (const failure of failures) console.log(`FAIL ${failure}`);
