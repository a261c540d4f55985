// `@lenet/tensor/testing`: the conformance suite a backend runs against `reference`
// (no test framework imported; see the README's "Writing a backend").
export {
  type ConformanceCase,
  type ConformanceOptions,
  checkConformance,
  checkConformanceAsync,
  conformanceCases,
  conformanceTolerances,
  type ReadBack,
  readBack,
  runConformanceSuite,
  type TestFunctions,
} from '../backend/conformance.js';
