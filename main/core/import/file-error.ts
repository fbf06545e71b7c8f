/** A file that cannot be read as a whole: nothing of it is applied. `line` is 1-based where there is one. */
export class FileError extends Error {
  constructor(
    readonly reason: string,
    readonly line?: number,
  ) {
    super(line === undefined ? reason : `line ${line}: ${reason}`);
  }
}

/** The import was canceled by the user; the file's transaction is rolled back. */
export class ImportCanceled extends Error {
  constructor() {
    super('canceled');
  }
}
