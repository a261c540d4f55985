// @lenet/tensor/node: file-system helpers every package that writes files shares (Node only;
// the main entry stays free of Node APIs so it runs in a browser).
export {
  isProcessAlive,
  removeStaleTempFiles,
  tempPathFor,
  writeAll,
  writeFileAtomic,
} from './node/atomic-file.js';
export { initWebGpuBackendNode } from './node/webgpu.js';
export { injectWriteFault, type WriteFault } from './node/write-faults.js';
