/**
 * The command line of `npm run bench`: which sizes to run, and how long to spend on each.
 */

/** The sizes n = m of a full run. */
export const DEFAULT_SIZES: readonly number[] = [64, 256, 1024];

/** The size at which the library's peak memory is measured, whatever sizes are timed. */
export const MEMORY_SIZE = 1024;

/** What the command line asked for. */
export interface BenchOptions {
  /** The sizes n = m to time, in the order given. */
  readonly sizes: readonly number[];
  /** A smoke run: a few samples per cell instead of about a second. */
  readonly quick: boolean;
}

/** A command-line mistake: printed with the usage, and the bench exits with status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const USAGE = `usage: npm run bench -- [--sizes 64,256,1024] [--quick]

  --sizes N,N,...  the sizes n = m to time (default ${DEFAULT_SIZES.join(",")}); dK = dV = 64
  --quick          a smoke run: a few samples per size instead of about a second each
  --help           print this and exit`;

/**
 * Reads the bench's options from the command line.
 *
 * @param argv the arguments after the script name, e.g. `["--sizes", "64,256"]`.
 * @returns the options; `undefined` when `--help` was asked for.
 * @example parseOptions(["--sizes=64", "--quick"]); // { sizes: [64], quick: true }
 */
export function parseOptions(argv: readonly string[]): BenchOptions | undefined {
  let sizes = DEFAULT_SIZES;
  let quick = false;
  for (let a = 0; a < argv.length; a++) {
    const [flag, inline] = splitFlag(argv[a]);
    if (flag === "--help" || flag === "-h") return undefined;
    if (flag === "--quick" && inline === undefined) {
      quick = true;
    } else if (flag === "--sizes") {
      const text = inline ?? argv[++a];
      if (text === undefined) throw new UsageError("--sizes needs a value, e.g. --sizes 64,256");
      sizes = parseSizes(text);
    } else {
      throw new UsageError(`unknown argument ${JSON.stringify(argv[a])}`);
    }
  }
  return { sizes, quick };
}

/** Splits `--flag=value` into its flag and value; a bare `--flag` has no value. */
function splitFlag(arg: string): [string, string | undefined] {
  const at = arg.indexOf("=");
  return at === -1 ? [arg, undefined] : [arg.slice(0, at), arg.slice(at + 1)];
}

/** Parses "64,256" into [64, 256]: positive integers, each at most once. */
function parseSizes(text: string): number[] {
  const sizes = text.split(",").map((part) => part.trim());
  const out: number[] = [];
  for (const part of sizes) {
    const n = /^[0-9]+$/.test(part) ? Number(part) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new UsageError(`--sizes must be positive integers separated by commas; got "${text}"`);
    }
    if (out.includes(n)) throw new UsageError(`--sizes lists ${n} twice; got "${text}"`);
    out.push(n);
  }
  return out;
}
