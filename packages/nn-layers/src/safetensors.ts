/**
 * The safetensors file format, for float32 tensors: an 8-byte little-endian header length N,
 * N bytes of UTF-8 JSON (`{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__ }`,
 * offsets relative to the end of the header), then the raw little-endian tensor bytes.
 *
 * Pure byte codec (Uint8Array in, Uint8Array out) so it runs in the browser as well as Node.
 * Decoding validates everything before it allocates anything sized by the file's claims, so a
 * malformed or hostile file gives a `SafetensorsError`, never a crash or a huge allocation.
 */

/** One named tensor: a shape and its row-major float32 values. */
export interface NamedTensorData {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface SafetensorsContents {
  /** Tensors in file order (sorted by data offset). */
  readonly tensors: Map<string, NamedTensorData>;
  /** The `__metadata__` string map (empty when the file has none). */
  readonly metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** Headers above this size are refused (the reference implementation uses the same bound). */
const MAX_HEADER_BYTES = 100_000_000;
const HEADER_LENGTH_BYTES = 8;
const METADATA_KEY = '__metadata__';
const F32_BYTES = 4;

/** Every dtype the safetensors format defines; only F32 is read or written here. */
const KNOWN_DTYPES = new Set([
  'BOOL',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'F64',
  'I64',
  'U64',
]);

const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Serialises `tensors` (in the given order) and optional string metadata. The header is padded
 * with spaces to a multiple of 8 bytes so that the data section starts 8-byte aligned, as the
 * reference writer does.
 */
export function encodeSafetensors(
  tensors: Iterable<[string, NamedTensorData]> | Record<string, NamedTensorData>,
  metadata?: Record<string, string>,
): Uint8Array {
  const entries = Symbol.iterator in tensors ? [...tensors] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') {
        throw new SafetensorsError(
          `encodeSafetensors: metadata value for "${key}" must be a string, got ${typeof value}`,
        );
      }
    }
    header[METADATA_KEY] = metadata;
  }
  let offset = 0;
  for (const [name, tensor] of entries) {
    if (name === METADATA_KEY) {
      throw new SafetensorsError(`encodeSafetensors: "${METADATA_KEY}" is reserved`);
    }
    if (name in header) throw new SafetensorsError(`encodeSafetensors: duplicate name "${name}"`);
    const count = elementCount(tensor.shape);
    if (count === undefined || count !== tensor.data.length) {
      throw new SafetensorsError(
        `encodeSafetensors: tensor "${name}" has shape [${tensor.shape.join(', ')}] but ${tensor.data.length} values`,
      );
    }
    const byteLength = count * F32_BYTES;
    header[name] = {
      dtype: 'F32',
      shape: [...tensor.shape],
      data_offsets: [offset, offset + byteLength],
    };
    offset += byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(HEADER_LENGTH_BYTES + headerLength + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  bytes.set(json, HEADER_LENGTH_BYTES);
  bytes.fill(0x20, HEADER_LENGTH_BYTES + json.length, HEADER_LENGTH_BYTES + headerLength);
  let position = HEADER_LENGTH_BYTES + headerLength;
  for (const [, tensor] of entries) {
    writeFloat32LittleEndian(bytes, position, tensor.data);
    position += tensor.data.length * F32_BYTES;
  }
  return bytes;
}

/** Parses and validates a safetensors file holding float32 tensors. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) {
    throw new SafetensorsError('decodeSafetensors: expected a Uint8Array');
  }
  if (bytes.length < HEADER_LENGTH_BYTES) {
    throw new SafetensorsError(
      `safetensors: file is ${bytes.length} bytes, too short for the 8-byte header length`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declaredLength = view.getBigUint64(0, true);
  const available = bytes.length - HEADER_LENGTH_BYTES;
  if (declaredLength > BigInt(available)) {
    throw new SafetensorsError(
      `safetensors: header length ${declaredLength} is larger than the ${available} bytes after it`,
    );
  }
  if (declaredLength > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      `safetensors: header length ${declaredLength} exceeds the ${MAX_HEADER_BYTES}-byte limit`,
    );
  }
  const headerLength = Number(declaredLength);
  const header = parseHeader(
    bytes.subarray(HEADER_LENGTH_BYTES, HEADER_LENGTH_BYTES + headerLength),
  );
  const dataStart = HEADER_LENGTH_BYTES + headerLength;
  const dataLength = bytes.length - dataStart;

  const metadata = parseMetadata(header[METADATA_KEY]);
  const described: { name: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    described.push({ name, ...parseEntry(name, entry, dataLength) });
  }
  described.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expectedBegin = 0;
  for (const { name, begin, end } of described) {
    if (begin < expectedBegin) {
      throw new SafetensorsError(
        `safetensors: tensor "${name}" data_offsets start at ${begin}, overlapping the previous tensor (which ends at ${expectedBegin})`,
      );
    }
    if (begin > expectedBegin) {
      throw new SafetensorsError(
        `safetensors: unused bytes ${expectedBegin}..${begin} before tensor "${name}" (tensors must be contiguous)`,
      );
    }
    expectedBegin = end;
  }
  if (expectedBegin !== dataLength) {
    throw new SafetensorsError(
      `safetensors: tensors cover ${expectedBegin} data bytes but the file has ${dataLength}`,
    );
  }

  const tensors = new Map<string, NamedTensorData>();
  for (const { name, shape, begin, end } of described) {
    const data = readFloat32LittleEndian(bytes, dataStart + begin, (end - begin) / F32_BYTES);
    tensors.set(name, { shape, data });
  }
  return { tensors, metadata };
}

/**
 * Throws a `SafetensorsError` naming `source` and the first tensor (in file order) holding a
 * NaN or an infinity: weights like that come from a run that diverged, and a model built on
 * them answers nonsense without a word.
 */
export function assertFiniteTensors(
  tensors: ReadonlyMap<string, NamedTensorData>,
  source: string,
): void {
  for (const [name, { data }] of tensors) {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        throw new SafetensorsError(
          `${source}: tensor "${name}" holds ${data[i]} at index ${i} of ${data.length}; refusing weights that are not finite (the run that wrote them diverged)`,
        );
      }
    }
  }
}

function parseHeader(headerBytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw new SafetensorsError('safetensors: header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw new SafetensorsError(
      `safetensors: header is not valid JSON (${(error as Error).message})`,
    );
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new SafetensorsError('safetensors: header must be a JSON object');
  }
  return header as Record<string, unknown>;
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SafetensorsError('safetensors: __metadata__ must be an object of strings');
  }
  const metadata: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw new SafetensorsError(`safetensors: __metadata__ value for "${key}" must be a string`);
    }
    metadata[key] = item;
  }
  return metadata;
}

function parseEntry(
  name: string,
  entry: unknown,
  dataLength: number,
): { shape: number[]; begin: number; end: number } {
  const where = `safetensors: tensor "${name}"`;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw new SafetensorsError(`${where} must be described by an object`);
  }
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== 'string' || !KNOWN_DTYPES.has(dtype)) {
    throw new SafetensorsError(`${where} has unknown dtype ${JSON.stringify(dtype)}`);
  }
  if (dtype !== 'F32') {
    throw new SafetensorsError(`${where} has dtype ${dtype}; only F32 is supported`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(`${where} shape must be an array of non-negative integers`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
  ) {
    throw new SafetensorsError(`${where} data_offsets must be [begin, end] non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    throw new SafetensorsError(
      `${where} data_offsets [${begin}, ${end}] are out of range for ${dataLength} data bytes`,
    );
  }
  const count = elementCount(shape);
  if (count === undefined || count * F32_BYTES !== end - begin) {
    throw new SafetensorsError(
      `${where} shape [${shape.join(', ')}] needs ${count === undefined ? 'too many' : count * F32_BYTES} bytes but data_offsets span ${end - begin}`,
    );
  }
  return { shape: shape as number[], begin, end };
}

/** Product of the dimensions, or undefined when it is not a safe integer. */
function elementCount(shape: readonly number[]): number | undefined {
  let count = 1;
  for (const dimension of shape) {
    if (!Number.isSafeInteger(dimension) || dimension < 0) return undefined;
    count *= dimension;
    if (!Number.isSafeInteger(count)) return undefined;
  }
  return count;
}

function writeFloat32LittleEndian(bytes: Uint8Array, position: number, data: Float32Array): void {
  if (littleEndianHost) {
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  for (let i = 0; i < data.length; i++) view.setFloat32(position + i * F32_BYTES, data[i], true);
}

function readFloat32LittleEndian(bytes: Uint8Array, position: number, count: number): Float32Array {
  const out = new Float32Array(count);
  if (littleEndianHost) {
    new Uint8Array(out.buffer).set(bytes.subarray(position, position + count * F32_BYTES));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(position + i * F32_BYTES, true);
  return out;
}
