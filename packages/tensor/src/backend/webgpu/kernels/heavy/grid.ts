// Workgroup grids larger than WebGPU's 65,535 per dimension: a kernel asks for `count`
// workgroups in a line and gets them folded into x and y; the shader unfolds them with
// `GROUP_INDEX` (needs the `workgroup_id` and `num_workgroups` builtins named `wid`, `nwg`).

const MAX_PER_DIMENSION = 65_535;

/** x and y sizes holding at least `count` workgroups (the shader skips those past `count`). */
export function foldedGrid(count: number, z = 1): [number, number, number] {
  const groups = Math.max(1, count);
  const y = Math.ceil(groups / MAX_PER_DIMENSION);
  return [Math.ceil(groups / y), y, z];
}

/** WGSL expression of the linear workgroup index of a `foldedGrid` dispatch. */
export const GROUP_INDEX = '(wid.x + wid.y * nwg.x)';

/** The builtins parameters a folded-grid entry point declares. */
export const GRID_BUILTINS =
  '@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32';
