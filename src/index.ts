/**
 * Spotlight's public face: every name a notebook may import from `attention-spotlight`.
 *
 * Named re-exports only, in the layer order of DESIGN.md ("The library, one way down"): each
 * module imports only from the ones listed before it.
 */

export { createRandom } from "./random";
export type { Random } from "./random";

export { Matrix, matrix, fromFlat, zeros, identity, toArray, isMatrix } from "./tensor";

export {
  matmul,
  transpose,
  add,
  sub,
  hadamard,
  scale,
  map,
  addRowVector,
  rowSums,
  columnSums,
  sum,
  randomMatrix,
} from "./ops";
export type { RandomMatrixOptions } from "./ops";

export { softmax, logSumExp, causalMask } from "./softmax";
export type { SoftmaxOptions } from "./softmax";

export {
  entropy,
  normalize,
  perplexity,
  maxEntropy,
  normalizeMatrix,
  jointEntropy,
  rowEntropies,
} from "./entropy";
export type { EntropyOptions } from "./entropy";

export { attentionParameters, breakEvenAttentionSize, parameterFormulas } from "./params";
export type { AttentionParameterCounts, ParameterFormula, ParameterFormulas } from "./params";

export { fmt, fmtList, fmtMatrix, fmtFraction } from "./format";
export type { FmtMatrixOptions } from "./format";

export { renderPlot, heatmap, lineChart, Plot } from "./plot";
export type { RenderPlotOptions, HeatmapOptions, LineChartOptions, LineSeries } from "./plot";
