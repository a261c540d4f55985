// What the WebGPU runtime counts (kept apart: no WebGPU types in the public declarations).

/** Counters for benchmarks and tests (cumulative since the backend was created). */
export interface WebGpuStatistics {
  /** Compute dispatches recorded. */
  dispatches: number;
  /** Command buffers submitted. */
  submits: number;
  /** Host-to-GPU copies (tensor storages and argument arrays). */
  uploads: number;
  uploadBytes: number;
  /** GPU-to-host copies of tensors. */
  readBacks: number;
  /** Pipelines and bind groups created (the rest came from the caches). */
  pipelines: number;
  bindGroups: number;
  /** GPU buffers created. */
  buffers: number;
}
