// The part of jsfive (a pure-JavaScript HDF5 reader; it ships no types) that loadKerasModel uses.
declare module 'jsfive' {
  export class Dataset {
    readonly shape: number[];
    /** numpy-style: '<f4', '<f8', '<i4', ... */
    readonly dtype: string | unknown;
    readonly value: ArrayLike<number>;
    readonly attrs: Record<string, unknown>;
  }
  export class Group {
    readonly keys: string[];
    readonly attrs: Record<string, unknown>;
    /** Throws (a string) when the path is missing. */
    get(path: string): Group | Dataset;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename: string);
  }
}
