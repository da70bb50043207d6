/**
 * Argument checks shared by every module of the library: the one place that decides what a bad
 * argument looks like and how the error reads.
 *
 * Implements the error convention of STYLE.md ("Errors"). Every message starts with the public
 * function that was called, names the argument at fault, shows what was received and says what was
 * expected, e.g. `matmul: a and b must share the inner dimension; got a [2, 3], b [4, 5]`.
 * RangeError is for a thing of the right kind with the wrong size or value; TypeError is for the
 * wrong kind of thing. This module sits at the top of the layer order and imports nothing, so it
 * talks about shapes (`[rows, cols]`) rather than about the Matrix class.
 */

/** A matrix shape, `[rows, cols]`. */
export type Shape = readonly [number, number];

/**
 * Writes a shape the way every error message shows it.
 *
 * formatShape([r, c]) = "[r, c]"
 *
 * @param shape any list of dimensions, e.g. `[4, 8]`.
 * @returns the text `[4, 8]`.
 * @example formatShape([4, 8]); // "[4, 8]"
 */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * Names the kind of a value for a TypeError message.
 *
 * kindOf(v) = "null" | "undefined" | "array" | typeof v | constructor name
 *
 * @param value anything.
 * @returns a short noun phrase such as `"string"`, `"array"` or `"Matrix"`.
 * @example kindOf([1, 2]); // "array"
 */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "" ? name : "object";
  }
  return typeof value;
}

/**
 * Shows a number in a message exactly as JavaScript would print it (NaN, -0 and Infinity kept).
 *
 * showNumber(x) = String(x), except that -0 prints as "-0"
 *
 * @param x any number.
 * @returns its text.
 * @example showNumber(-0); // "-0"
 */
export function showNumber(x: number): string {
  return Object.is(x, -0) ? "-0" : String(x);
}

/**
 * Throws a TypeError unless `value` is a number (NaN and ±Infinity are numbers here).
 *
 * @param fn the public function being called, e.g. `"softmax"`.
 * @param argName the argument, e.g. `"temperature"`.
 * @param value the value received.
 * @example checkNumber("scale", "s", 2); // passes
 */
export function checkNumber(fn: string, argName: string, value: unknown): asserts value is number {
  if (typeof value !== "number") {
    throw new TypeError(`${fn}: ${argName} must be a number; got ${kindOf(value)}`);
  }
}

/**
 * Throws unless `value` is a finite number: TypeError for a non-number, RangeError for NaN or ±∞.
 *
 * @param fn the public function being called.
 * @param argName the argument.
 * @param value the value received.
 * @example checkFiniteNumber("scale", "s", 0.5); // passes
 */
export function checkFiniteNumber(
  fn: string,
  argName: string,
  value: unknown,
): asserts value is number {
  checkNumber(fn, argName, value);
  if (!Number.isFinite(value)) {
    throw new RangeError(`${fn}: ${argName} must be finite; got ${showNumber(value)}`);
  }
}

/**
 * Throws unless `value` is an integer no smaller than `min`.
 *
 * value ∈ ℤ and value ≥ min
 *
 * @param fn the public function being called.
 * @param argName the argument.
 * @param value the value received.
 * @param min the smallest allowed value (default −∞).
 * @example checkInteger("zeros", "rows", 3, 1); // passes
 */
export function checkInteger(
  fn: string,
  argName: string,
  value: unknown,
  min = -Infinity,
): asserts value is number {
  checkNumber(fn, argName, value);
  if (!Number.isInteger(value)) {
    throw new RangeError(`${fn}: ${argName} must be an integer; got ${showNumber(value)}`);
  }
  // NOTE: safe integers only, so that every count is exact in a float64. Past 2^53 − 1 a float64
  // no longer holds every integer (2^53 + 1 rounds to 2^53), so the message says "safe".
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(
      `${fn}: ${argName} must be a safe integer (|${argName}| <= 2^53 - 1); got ${value}`,
    );
  }
  if (value < min) {
    throw new RangeError(`${fn}: ${argName} must be an integer >= ${min}; got ${value}`);
  }
}

/**
 * Throws unless `value` is an integer ≥ 1 (a size or a count of things).
 *
 * @param fn the public function being called.
 * @param argName the argument.
 * @param value the value received.
 * @example checkPositiveInteger("causalMask", "n", 4); // passes
 */
export function checkPositiveInteger(
  fn: string,
  argName: string,
  value: unknown,
): asserts value is number {
  checkInteger(fn, argName, value, 1);
}

/**
 * Throws a TypeError unless `value` is an array.
 *
 * @param fn the public function being called.
 * @param argName the argument.
 * @param value the value received.
 * @example checkArray("entropy", "p", [0.5, 0.5]); // passes
 */
export function checkArray(
  fn: string,
  argName: string,
  value: unknown,
): asserts value is readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`${fn}: ${argName} must be an array; got ${kindOf(value)}`);
  }
}

/**
 * Throws unless every entry is a finite number, naming the first entry that is not.
 *
 * ∀ k: values[k] ∈ ℝ
 *
 * @param fn the public function being called.
 * @param argName the argument.
 * @param values a flat list; if `cols` is given it is read as a row-major matrix with that many
 *   columns and the bad entry is named `[i, j]` instead of `[k]`.
 * @param cols optional number of columns, for the index in the message.
 * @example checkFinite("fromFlat", "data", [1, 2, 3]); // passes
 */
export function checkFinite(
  fn: string,
  argName: string,
  values: ArrayLike<unknown>,
  cols?: number,
): asserts values is ArrayLike<number> {
  for (let k = 0; k < values.length; k++) {
    const x = values[k];
    if (typeof x === "number" && Number.isFinite(x)) continue;
    const at = cols === undefined ? `[${k}]` : `[${Math.floor(k / cols)}, ${k % cols}]`;
    if (typeof x !== "number") {
      throw new TypeError(`${fn}: ${argName}${at} must be a number; got ${kindOf(x)}`);
    }
    throw new RangeError(`${fn}: ${argName}${at} is ${showNumber(x)}; expected a finite number`);
  }
}

/**
 * Throws unless `value` is an array of finite numbers (TypeError for the kinds, RangeError for
 * NaN and ±∞).
 *
 * @param fn the public function being called.
 * @param argName the argument.
 * @param value the value received.
 * @example checkNumberArray("fmtList", "xs", [0.1, 0.2]); // passes
 */
export function checkNumberArray(
  fn: string,
  argName: string,
  value: unknown,
): asserts value is readonly number[] {
  checkArray(fn, argName, value);
  checkFinite(fn, argName, value);
}

/**
 * Throws unless `value` is a non-empty rectangular array of arrays of finite numbers, and returns
 * its shape.
 *
 * rows[i].length = rows[0].length ≥ 1 for every i, rows.length ≥ 1
 *
 * @param fn the public function being called.
 * @param value the nested array received.
 * @param argName the argument; left out when the nested array is the function's only input, so
 *   that `matrix` reports `matrix: row 2 has 3 entries; expected 4 like row 0`.
 * @returns the shape `[rows, cols]`.
 * @example checkGrid("matrix", [[1, 2], [3, 4]]); // [2, 2]
 */
export function checkGrid(fn: string, value: unknown, argName?: string): Shape {
  const name = argName ?? "rows";
  const rowWord = argName === undefined ? "row" : `${argName} row`;
  checkArray(fn, name, value);
  if (value.length === 0) {
    throw new RangeError(`${fn}: ${name} is empty; expected at least one row`);
  }
  const first = value[0];
  checkArray(fn, `${rowWord} 0`, first);
  if (first.length === 0) {
    throw new RangeError(`${fn}: ${rowWord} 0 is empty; expected at least one entry`);
  }
  const cols = first.length;
  for (let i = 0; i < value.length; i++) {
    const row = value[i];
    checkArray(fn, `${rowWord} ${i}`, row);
    if (row.length !== cols) {
      throw new RangeError(
        `${fn}: ${rowWord} ${i} has ${row.length} entries; expected ${cols} like row 0`,
      );
    }
    for (let j = 0; j < cols; j++) {
      const x = row[j];
      if (typeof x !== "number") {
        throw new TypeError(`${fn}: ${name}[${i}][${j}] must be a number; got ${kindOf(x)}`);
      }
      if (!Number.isFinite(x)) {
        throw new RangeError(`${fn}: ${name}[${i}][${j}] is ${showNumber(x)}; expected finite`);
      }
    }
  }
  return [value.length, cols];
}

/**
 * Throws a RangeError unless two operands have the same shape.
 *
 * shape(a) = shape(b)
 *
 * @param fn the public function being called.
 * @param aName name of the first operand.
 * @param a its shape `[rows, cols]`.
 * @param bName name of the second operand.
 * @param b its shape.
 * @example checkSameShape("add", "a", [2, 3], "b", [2, 3]); // passes
 */
export function checkSameShape(fn: string, aName: string, a: Shape, bName: string, b: Shape): void {
  if (a[0] !== b[0] || a[1] !== b[1]) {
    throw new RangeError(
      `${fn}: ${aName} and ${bName} must have the same shape; ` +
        `got ${aName} ${formatShape(a)}, ${bName} ${formatShape(b)}`,
    );
  }
}

/**
 * Throws a RangeError unless `a`'s columns match `b`'s rows, as a product a·b needs.
 *
 * a is (n, k), b is (k, m)
 *
 * @param fn the public function being called.
 * @param aName name of the left operand.
 * @param a its shape `[n, k]`.
 * @param bName name of the right operand.
 * @param b its shape `[k, m]`.
 * @param what what the shared dimension is called, e.g. `"dK"` (default "the inner dimension").
 * @example checkInner("matmul", "a", [2, 3], "b", [3, 5]); // passes
 */
export function checkInner(
  fn: string,
  aName: string,
  a: Shape,
  bName: string,
  b: Shape,
  what = "the inner dimension",
): void {
  if (a[1] !== b[0]) {
    throw new RangeError(
      `${fn}: ${aName} and ${bName} must share ${what} (columns of ${aName}, rows of ${bName}); ` +
        `got ${aName} ${formatShape(a)}, ${bName} ${formatShape(b)}`,
    );
  }
}

/**
 * Throws a RangeError unless two operands agree along a chosen axis, e.g. queries and keys along
 * their columns (dK).
 *
 * a.shape[aAxis] = b.shape[bAxis]
 *
 * @param fn the public function being called.
 * @param aName name of the first operand.
 * @param a its shape.
 * @param aAxis 0 for rows, 1 for columns.
 * @param bName name of the second operand.
 * @param b its shape.
 * @param bAxis 0 for rows, 1 for columns.
 * @param what the name of the shared size, e.g. `"dK"`.
 * @example checkShared("attend", "queries", [4, 8], 1, "keys", [6, 8], 1, "dK"); // passes
 */
export function checkShared(
  fn: string,
  aName: string,
  a: Shape,
  aAxis: 0 | 1,
  bName: string,
  b: Shape,
  bAxis: 0 | 1,
  what: string,
): void {
  if (a[aAxis] !== b[bAxis]) {
    throw new RangeError(
      `${fn}: ${aName} and ${bName} must share ${what}; ` +
        `got ${aName} ${formatShape(a)}, ${bName} ${formatShape(b)}`,
    );
  }
}

/**
 * Throws a RangeError unless a list has the expected length.
 *
 * @param fn the public function being called.
 * @param argName the list argument.
 * @param actual its length.
 * @param expected the length wanted.
 * @param why what the expected length comes from, e.g. `"the columns of m"`.
 * @example checkLength("addRowVector", "v", 3, 3, "the columns of m"); // passes
 */
export function checkLength(
  fn: string,
  argName: string,
  actual: number,
  expected: number,
  why: string,
): void {
  if (actual !== expected) {
    throw new RangeError(
      `${fn}: ${argName} must have length ${expected} (${why}); got length ${actual}`,
    );
  }
}

/**
 * Throws unless `mask` is a `boolean[][]` of the given shape, `true` meaning "this query may see
 * this key" (README, "Glossary of symbols").
 *
 * mask ∈ {true, false}^(n×m)
 *
 * @param fn the public function being called.
 * @param argName the argument, usually `"mask"`.
 * @param mask the value received.
 * @param shape the shape `[n, m]` it must have.
 * @param like what the shape comes from, e.g. `"x"` or `"the scores"`.
 * @example checkMask("softmax", "mask", [[true, false]], [1, 2], "x"); // passes
 */
export function checkMask(
  fn: string,
  argName: string,
  mask: unknown,
  shape: Shape,
  like: string,
): asserts mask is readonly (readonly boolean[])[] {
  const [n, m] = shape;
  checkArray(fn, argName, mask);
  if (mask.length !== n) {
    throw new RangeError(
      `${fn}: ${argName} must have shape ${formatShape(shape)} like ${like}; ` +
        `got ${mask.length} rows`,
    );
  }
  for (let i = 0; i < n; i++) {
    const row = mask[i];
    checkArray(fn, `${argName}[${i}]`, row);
    if (row.length !== m) {
      throw new RangeError(
        `${fn}: ${argName} must have shape ${formatShape(shape)} like ${like}; ` +
          `got row ${i} with ${row.length} entries`,
      );
    }
    checkBooleans(fn, `${argName}[${i}]`, row);
  }
}

/**
 * Throws a TypeError unless every entry of the list is a boolean.
 *
 * @param fn the public function being called.
 * @param argName the argument.
 * @param values the list.
 * @example checkBooleans("softmax", "mask", [true, false]); // passes
 */
export function checkBooleans(
  fn: string,
  argName: string,
  values: readonly unknown[],
): asserts values is readonly boolean[] {
  for (let k = 0; k < values.length; k++) {
    if (typeof values[k] !== "boolean") {
      throw new TypeError(`${fn}: ${argName}[${k}] must be a boolean; got ${kindOf(values[k])}`);
    }
  }
}

/**
 * Throws a TypeError unless `value` is undefined or a plain object (not null, not an array), for
 * an object whose keys are not ours to list, e.g. Observable Plot's options in `renderPlot`.
 *
 * @param fn the public function being called.
 * @param argName the argument, usually `"options"`.
 * @param value the value received.
 * @example checkObject("renderPlot", "options", { title: "Weights" }); // passes
 */
export function checkObject(fn: string, argName: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${fn}: ${argName} must be an object; got ${kindOf(value)}`);
  }
}

/**
 * Throws unless `options` is undefined or a plain object whose keys are all in `allowed`: a
 * TypeError for the wrong kind, and a TypeError naming a misspelt key, which would otherwise be
 * ignored without a word (`{ temprature: 100 }` would leave the temperature at 1).
 *
 * keys(options) ⊆ allowed
 *
 * @param fn the public function being called.
 * @param options the value received.
 * @param allowed every key the function reads.
 * @param argName the argument (default `"options"`); any other name, e.g. `"series[0]"`, makes
 *   the message say "unknown key … in series[0]".
 * @example checkOptions("softmax", { temperature: 2 }, ["temperature", "mask"]); // passes
 */
export function checkOptions(
  fn: string,
  options: unknown,
  allowed: readonly string[],
  argName = "options",
): void {
  checkObject(fn, argName, options);
  if (options === undefined) return;
  for (const key of Object.keys(options as object)) {
    if (allowed.includes(key)) continue;
    const what =
      argName === "options"
        ? `option ${JSON.stringify(key)}`
        : `key ${JSON.stringify(key)} in ${argName}`;
    throw new TypeError(`${fn}: unknown ${what}; expected one of ${allowed.join(", ")}`);
  }
}

/**
 * The index of the first entry that is NaN or ±∞, or −1 if every entry is finite: the one tight
 * scan behind the Matrix constructor and {@link checkResult}.
 *
 * min{k : values[k] ∉ ℝ}, or −1
 *
 * @param values a flat list of numbers, e.g. a Matrix's data.
 * @returns the index, or −1.
 * @example firstNonFinite([1, NaN, Infinity]); // 1
 */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let k = 0; k < values.length; k++) {
    // x − x is 0 for every finite x and NaN for NaN and ±∞: one subtraction, no call.
    const x = values[k];
    if (x - x !== 0) return k;
  }
  return -1;
}

/**
 * Throws a RangeError if an operation's result holds NaN or ±∞, naming the operation, the entry
 * and, through `cause`, the inputs that produced it. Every operation whose arithmetic can
 * overflow calls this on its output (for a Matrix, through `resultMatrix` in src/tensor.ts), so
 * that an overflow stops where it happens instead of travelling on as Infinity or NaN.
 *
 * ∀ k: out[k] ∈ ℝ
 *
 * @param fn the public function being called, e.g. `"scale"`.
 * @param out the result, row-major.
 * @param cols its number of columns, to name the entry `[i, j]`; undefined for a list (entry
 *   `[k]`, and `cause` gets (k, 0)) or a single number (no index).
 * @param cause optional: the inputs behind entry (i, j), e.g. `a[0, 0] = 1e308, s = 10`; called
 *   only when the check fails.
 * @param what what `out` is, for the message (default "the result"), e.g. `"x·wQuery"` for an
 *   intermediate product.
 * @example checkResult("scale", Float64Array.of(0.5, 1), 2); // passes
 */
export function checkResult(
  fn: string,
  out: ArrayLike<number>,
  cols: number | undefined,
  cause?: (i: number, j: number) => string,
  what = "the result",
): void {
  const k = firstNonFinite(out);
  if (k < 0) return;
  const [i, j] = cols === undefined ? [k, 0] : [Math.floor(k / cols), k % cols];
  let at = cols === undefined ? ` at [${k}]` : ` at [${i}, ${j}]`;
  if (cols === undefined && out.length === 1) at = "";
  const x = out[k];
  const happened = Number.isNaN(x) ? "is NaN" : `overflowed to ${showNumber(x)}`;
  const why = cause === undefined ? "" : ` (${cause(i, j)})`;
  throw new RangeError(`${fn}: ${what} ${happened}${at}${why}; expected a finite number`);
}

/**
 * Checks a list of labels: strings, exactly one per row or column of what they label.
 *
 * @param what what each label stands for, for the message, e.g. "row" or "column of values".
 * @returns the labels, typed.
 */
export function checkLabels(
  fn: string,
  argName: string,
  labels: unknown,
  count: number,
  what: string,
): readonly string[] {
  checkArray(fn, argName, labels);
  if (labels.length !== count) {
    throw new RangeError(
      `${fn}: ${argName} must have one label per ${what} (${count}); got ${labels.length}`,
    );
  }
  labels.forEach((label, k) => {
    if (typeof label !== "string") {
      throw new TypeError(`${fn}: ${argName}[${k}] must be a string; got ${kindOf(label)}`);
    }
  });
  return labels as readonly string[];
}
