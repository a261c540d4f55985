/** Where the CLI writes. `main` takes one so tests can run commands in-process. */
export interface OutputStream {
  write(text: string): unknown;
  /** True on a terminal: live progress bars instead of periodic lines. */
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr };
}

/** Collects everything written, for tests. */
export function memoryIo(): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: { write: (text: string) => out.push(text), isTTY: false },
    stderr: { write: (text: string) => err.push(text), isTTY: false },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
