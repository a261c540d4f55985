/** A file that is not valid IDX (or whose pair does not match). Names the file and the fault. */
export class IdxFormatError extends Error {
  override readonly name = 'IdxFormatError';
  /** The file (or source) name as given by the caller; "<bytes>" when none was given. */
  readonly fileName: string;

  constructor(fileName: string, problem: string) {
    super(`${fileName}: ${problem}`);
    this.fileName = fileName;
  }
}

/** 47040016 -> "47,040,016": byte counts in messages are read by people. */
export function formatCount(value: number): string {
  const digits = Math.trunc(Math.abs(value)).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return value < 0 ? `-${grouped}` : grouped;
}
