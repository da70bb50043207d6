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

export {
  dotScore,
  scaledDotScore,
  distanceScore,
  bilinearScore,
  additiveScore,
  attend,
  multiHeadAttention,
  sinusoidalPositions,
  permuteRows,
} from "./attention";
export type {
  ScoreFunction,
  AttendOptions,
  AttentionResult,
  AdditiveWeights,
  MultiHeadWeights,
  MultiHeadOptions,
  MultiHeadResult,
} from "./attention";

export { attentionParameters, breakEvenAttentionSize, parameterFormulas } from "./params";
export type { AttentionParameterCounts, ParameterFormula, ParameterFormulas } from "./params";

// The autodiff's primitives share names with the plain ops (add, matmul, …), so they come as one
// namespace: `autodiff.matmul(x, w)`. The names that do not clash are exported directly too.
export * as autodiff from "./autodiff";
export { Var, parameter, constant, backward, zeroGrad, numericGradient } from "./autodiff";
export type { NumericGradientOptions } from "./autodiff";

export {
  countParameters,
  Linear,
  Embedding,
  GRUCell,
  Encoder,
  BottleneckDecoder,
  AttentionDecoder,
  Seq2Seq,
  AttentionClassifier,
  uniformWeights,
  Adam,
  train,
} from "./nn";
export type {
  Module,
  LinearOptions,
  SequenceBatch,
  EncoderOutput,
  DecoderScore,
  DecoderStep,
  Decoder,
  DecoderOptions,
  AttentionDecoderOptions,
  TranslationBatch,
  Seq2SeqOptions,
  Translation,
  AttentionClassifierOptions,
  ClassifierOutput,
  AdamOptions,
  TrainingProgress,
  TrainOptions,
} from "./nn";

export { toyTranslationTask, pad, shortcutTask } from "./tasks";
export type {
  ToyTranslationOptions,
  SentencePair,
  ToyTranslationTask,
  ShortcutOptions,
  LabelledExample,
  ShortcutTask,
} from "./tasks";

export { fmt, fmtList, fmtMatrix, fmtFraction } from "./format";
export type { FmtMatrixOptions } from "./format";

export { renderPlot, heatmap, lineChart, Plot } from "./plot";
export type { RenderPlotOptions, HeatmapOptions, LineChartOptions, LineSeries } from "./plot";

// Exercises come last: their checkers may use anything above.
export {
  defineExercise,
  judgeExercise,
  judgeNumber,
  judgeNumbers,
  judgeFunction,
  right,
  wrong,
  unanswered,
  ANSWER_TOLERANCE,
} from "./exercise";
export type { Exercise, Judgement, Verdict } from "./exercise";
export { check, verdict, listExercises } from "./exercises";
