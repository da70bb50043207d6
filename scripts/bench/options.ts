/**
 * The command line of `npm run bench`: which sections to run, at which sizes, and how long to
 * spend on each measurement.
 */

/** The sizes n = m of a full run of the attention section. */
export const DEFAULT_SIZES: readonly number[] = [64, 256, 1024];

/** The size at which the library's peak memory is measured, whatever sizes are timed. */
export const MEMORY_SIZE = 1024;

/** The sentence lengths L of a full run of the training section: short, middle, longest. */
export const DEFAULT_LENGTHS: readonly number[] = [8, 16, 30];

/** The sentence lengths of the chapter's training data; --lengths must stay inside. */
export const MIN_LENGTH = 3;
export const MAX_LENGTH = 30;

/** The bench's two sections. */
export const SECTIONS = ["attention", "training"] as const;
export type Section = (typeof SECTIONS)[number];

/** What the command line asked for. */
export interface BenchOptions {
  /** The sections to run, in the bench's order. */
  readonly sections: readonly Section[];
  /** The sizes n = m of the attention section, in the order given. */
  readonly sizes: readonly number[];
  /** The sentence lengths L of the training section, in the order given. */
  readonly lengths: readonly number[];
  /** A smoke run: a few samples per cell instead of about a second. */
  readonly quick: boolean;
}

/** A command-line mistake: printed with the usage, and the bench exits with status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const USAGE = `usage: npm run bench -- [--only attention|training] [--sizes 64,256,1024]
                        [--lengths 8,16,30] [--quick]

  --only SECTION   run one section: attention (one forward pass of attend against mathjs and
                   tfjs-core) or training (steps of the chapter-1 model against the same model
                   in tfjs-core); default both
  --sizes N,N,...  the sizes n = m of the attention section (default ${DEFAULT_SIZES.join(",")});
                   dK = dV = 64
  --lengths L,...  the sentence lengths of the training section
                   (default ${DEFAULT_LENGTHS.join(",")}), each in [${MIN_LENGTH}, ${MAX_LENGTH}]
  --quick          a smoke run: a few samples per cell instead of about a second each
  --help           print this and exit`;

/**
 * Reads the bench's options from the command line.
 *
 * @param argv the arguments after the script name, e.g. `["--sizes", "64,256"]`.
 * @returns the options; `undefined` when `--help` was asked for.
 * @example parseOptions(["--only=training", "--quick"]);
 * // { sections: ["training"], sizes: [64, 256, 1024], lengths: [8, 16, 30], quick: true }
 */
export function parseOptions(argv: readonly string[]): BenchOptions | undefined {
  let sizes: readonly number[] | undefined;
  let lengths: readonly number[] | undefined;
  let only: Section | undefined;
  let quick = false;
  for (let a = 0; a < argv.length; a++) {
    const [flag, inline] = splitFlag(argv[a]);
    if (flag === "--help" || flag === "-h") return undefined;
    if (flag === "--quick" && inline === undefined) {
      quick = true;
      continue;
    }
    if (flag !== "--only" && flag !== "--sizes" && flag !== "--lengths") {
      throw new UsageError(`unknown argument ${JSON.stringify(argv[a])}`);
    }
    const text = inline ?? argv[++a];
    if (text === undefined) throw new UsageError(`${flag} needs a value; see the usage below`);
    if (flag === "--only") {
      if (only !== undefined) throw new UsageError("--only is given twice; it takes one section");
      only = parseSection(text);
    } else if (flag === "--sizes") {
      sizes = parseIntegers("--sizes", text, 1, Number.MAX_SAFE_INTEGER);
    } else {
      lengths = parseIntegers("--lengths", text, MIN_LENGTH, MAX_LENGTH);
    }
  }
  const sections = only === undefined ? SECTIONS : [only];
  if (sizes !== undefined && !sections.includes("attention")) {
    throw new UsageError("--sizes sets the attention section, which --only training leaves out");
  }
  if (lengths !== undefined && !sections.includes("training")) {
    throw new UsageError("--lengths sets the training section, which --only attention leaves out");
  }
  return {
    sections,
    sizes: sizes ?? DEFAULT_SIZES,
    lengths: lengths ?? DEFAULT_LENGTHS,
    quick,
  };
}

/** Reads a section's name. */
function parseSection(text: string): Section {
  const section = SECTIONS.find((s) => s === text);
  if (section === undefined) {
    throw new UsageError(`--only must be ${SECTIONS.join(" or ")}; got "${text}"`);
  }
  return section;
}

/** Splits `--flag=value` into its flag and value; a bare `--flag` has no value. */
function splitFlag(arg: string): [string, string | undefined] {
  const at = arg.indexOf("=");
  return at === -1 ? [arg, undefined] : [arg.slice(0, at), arg.slice(at + 1)];
}

/** Parses "64,256" into [64, 256]: integers in [min, max], each at most once. */
function parseIntegers(flag: string, text: string, min: number, max: number): number[] {
  const parts = text.split(",").map((part) => part.trim());
  const out: number[] = [];
  for (const part of parts) {
    const k = /^[0-9]+$/.test(part) ? Number(part) : NaN;
    if (!Number.isSafeInteger(k) || k < min || k > max) {
      const range =
        max === Number.MAX_SAFE_INTEGER ? `positive integers` : `integers in [${min}, ${max}]`;
      throw new UsageError(`${flag} must be ${range} separated by commas; got "${text}"`);
    }
    if (out.includes(k)) throw new UsageError(`${flag} lists ${k} twice; got "${text}"`);
    out.push(k);
  }
  return out;
}
