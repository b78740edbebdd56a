// What a subcommand of the `wgnn` command is. The table of them lives in wgnn.ts.

export interface Command {
  /** How to call it, e.g. 'wgnn info [--json]'. */
  usage: string;
  /** One line for the list of commands. */
  summary: string;
  /** Writes its output; throws UsageError for bad arguments, any other error for a failure. */
  run(args: string[]): Promise<void>;
}

/** Bad arguments: the command exits 2 and prints its usage. */
export class UsageError extends Error {}

/** Splits arguments into the known flags that are present; anything else is a UsageError. */
export function parseFlags<F extends string>(args: string[], known: readonly F[]): Set<F> {
  const flags = new Set<F>();
  for (const arg of args) {
    if (!known.includes(arg as F)) throw new UsageError(`unknown argument '${arg}'`);
    flags.add(arg as F);
  }
  return flags;
}
