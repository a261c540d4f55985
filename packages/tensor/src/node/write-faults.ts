import fs from 'node:fs';

/** A fault to inject into the writes of files whose path matches. */
export interface WriteFault {
  /**
   * `short`: every write call writes at most `chunkBytes` (the caller must loop);
   * `enospc`: a file takes `capacityBytes` bytes, then writes fail with ENOSPC (a full disk);
   * `zero`: a file takes `capacityBytes` bytes, then writes report 0 bytes written.
   */
  readonly kind: 'short' | 'enospc' | 'zero';
  readonly chunkBytes?: number;
  readonly capacityBytes?: number;
  /** Only files whose path contains this (default: every file opened for writing). */
  readonly pathIncludes?: string;
}

/**
 * Makes every file this process opens for writing through `fs.promises.open` behave as `fault`
 * says, until the returned function is called. For tests of code that writes files (a full
 * disk, a short write), in any package: `writeFileAtomic` looks `fs.promises.open` up per call.
 */
export function injectWriteFault(fault: WriteFault): () => void {
  const original = fs.promises.open;
  const patched = async (...args: Parameters<typeof original>) => {
    const handle = await original(...args);
    const [path, flags] = args;
    const writing = typeof flags === 'string' && /[wa+]/.test(flags);
    if (!writing || (fault.pathIncludes && !String(path).includes(fault.pathIncludes))) {
      return handle;
    }
    return faultyHandle(handle, fault);
  };
  fs.promises.open = patched as typeof original;
  return () => {
    fs.promises.open = original;
  };
}

function faultyHandle(handle: fs.promises.FileHandle, fault: WriteFault): fs.promises.FileHandle {
  let taken = 0;
  const write = async (
    buffer: Uint8Array,
    offset = 0,
    length = buffer.byteLength - offset,
    position: number | null = null,
  ) => {
    let allowed = length;
    if (fault.kind === 'short') allowed = Math.min(length, fault.chunkBytes ?? 1);
    else allowed = Math.min(length, Math.max(0, (fault.capacityBytes ?? 0) - taken));
    if (allowed === 0 && length > 0) {
      if (fault.kind === 'enospc') {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
          errno: -28,
          syscall: 'write',
        });
      }
      return { bytesWritten: 0, buffer };
    }
    const result = await handle.write(buffer, offset, allowed, position);
    taken += result.bytesWritten;
    return result;
  };
  return new Proxy(handle, {
    get(target, property) {
      if (property === 'write') return write;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
