// The reference backend against itself: checks that the suite runs end to end (every case
// builds valid arguments and every kernel accepts them). The reference kernels' own
// correctness is tested against independent oracles in reference/*.test.ts.
import { describe, it } from 'vitest';
import { runConformanceSuite } from './conformance.js';

runConformanceSuite('reference', { describe, it });
