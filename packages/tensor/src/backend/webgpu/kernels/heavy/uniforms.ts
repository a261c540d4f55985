// The uniform block of a heavy kernel: a flat struct of 32-bit scalars, declared once as a
// field list so the WGSL struct and the packing of its values cannot disagree.

export type ScalarType = 'u32' | 'i32' | 'f32';

/** Field names and their WGSL scalar types, in binding order. */
export type UniformFields = Readonly<Record<string, ScalarType>>;

/** `struct Params {...}` and its binding at group 0, binding 0, named `params`. */
export function uniformWgsl(fields: UniformFields): string {
  const members = Object.entries(fields)
    .map(([name, type]) => `  ${name}: ${type},`)
    .join('\n');
  return `struct Params {\n${members}\n}\n@group(0) @binding(0) var<uniform> params: Params;\n`;
}

/** Packs `values` in the order of `fields`, padded to a multiple of 16 bytes. */
export function packUniform<Fields extends UniformFields>(
  fields: Fields,
  values: { readonly [name in keyof Fields]: number },
): ArrayBuffer {
  const names = Object.keys(fields);
  const buffer = new ArrayBuffer(Math.ceil(names.length / 4) * 16 || 16);
  const u32 = new Uint32Array(buffer);
  const i32 = new Int32Array(buffer);
  const f32 = new Float32Array(buffer);
  names.forEach((name, index) => {
    const value = values[name as keyof Fields];
    const type = fields[name];
    if (type === 'f32') f32[index] = value;
    else if (type === 'i32') i32[index] = value;
    else {
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
        throw new RangeError(
          `uniform ${name}: expected an integer in [0, 2^32), received ${value}`,
        );
      }
      u32[index] = value;
    }
  });
  return buffer;
}
