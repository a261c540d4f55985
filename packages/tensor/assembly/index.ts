// Entry of the WebAssembly module behind the `wasm` backend. Every export works on raw
// pointers into this module's memory; the TypeScript side (src/backend/wasm/) owns allocation.

export { gemm } from './gemm';

/** First byte after the static data (the GEMM packing buffers): where the allocator starts. */
export function heapBase(): usize {
  return __heap_base;
}
