/**
 * Spotlight's public face: every name a notebook may import from `attention-spotlight`.
 *
 * Named re-exports only, in the layer order of the README ("Layout"): each
 * module imports only from the ones listed before it.
 */

export { createRandom } from "./random";
export type { Random } from "./random";
export { mean, variance, median } from "./stats";

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
export { concatColumns, blockDiagonal } from "./blocks";

export { softmax, logSumExp, causalMask } from "./softmax";
export type { SoftmaxOptions } from "./softmax";
export { softmaxJacobian, softmaxJacobianNorm } from "./jacobian";

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
export { sinusoidalShift } from "./position-shift";

export { attentionParameters, breakEvenAttentionSize, parameterFormulas } from "./params";
export type { AttentionParameterCounts, ParameterFormula, ParameterFormulas } from "./params";
export { SCORE_KINDS, flopFormulas, scoreFlops, timePerCall } from "./cost";
export type { ScoreKind, ScoreSizes, FlopFormula, FlopFormulas, TimePerCallOptions } from "./cost";

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
export { scoreTranslations, evaluateTranslator, alignmentMatrix } from "./translation";
export type {
  TranslationScore,
  EvaluateTranslatorOptions,
  TranslatorEvaluation,
} from "./translation";
export type {
  ToyTranslationOptions,
  SentencePair,
  ToyTranslationTask,
  ShortcutOptions,
  LabelledExample,
  ShortcutTask,
} from "./tasks";
export { encodeTime, timestampTask, TimeAligner } from "./alignment";
export type {
  TimeEncoding,
  TimestampTaskOptions,
  TimestampExample,
  TimestampTask,
  TimeAlignerOptions,
  AlignerOutput,
  AlignerAccuracy,
} from "./alignment";
export { documentTask, HierarchicalReader } from "./hierarchical";
export type {
  DocumentTaskOptions,
  DocumentExample,
  DocumentTask,
  HierarchicalReaderOptions,
  HierarchicalOutput,
  DocumentReadOptions,
  DocumentReading,
  ReaderAccuracy,
} from "./hierarchical";

export {
  kendallTau,
  eraseTokens,
  leaveOneOut,
  deletionOrders,
  deletionCurve,
  meanCurve,
  aopc,
  accuracy,
  classifierPredict,
  classifierAttention,
  uniformAblation,
  attentionAgreement,
  classifierDeletionCurves,
} from "./explain";
export type {
  Predict,
  ImportanceMeasure,
  LeaveOneOutOptions,
  DeletionCurveOptions,
  DeletionPoint,
  DeletionOrders,
  DeletionCurves,
  Example,
  ClassifierPredictOptions,
  UniformAblation,
  AttentionAgreementOptions,
  AttentionAgreement,
  ClassifierDeletionOptions,
} from "./explain";

export { fmt, fmtList, fmtMatrix, fmtFraction } from "./format";
export type { FmtMatrixOptions } from "./format";

export { renderPlot, heatmap, lineChart, Plot } from "./plot";
export type { RenderPlotOptions, HeatmapOptions, LineChartOptions, LineSeries } from "./plot";
export { attentionGraph } from "./plot-graph";
export type { AttentionGraphOptions } from "./plot-graph";
export { tokenHeatmap } from "./plot-tokens";
export type { TokenHeatmapOptions, TokenRow } from "./plot-tokens";

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
export { WORD_ORDER_SENTENCE, ROTATION_ALIGNMENT } from "./exercises/chapter01";
export { TEMPERATURE_SCORES } from "./exercises/chapter02";
export { RANKING_QUERY, RANKING_KEY, SCORE_SPREAD } from "./exercises/chapter03";
