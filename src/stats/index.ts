export { benjaminiHochbergAdjust, holmAdjust } from "./adjust-p-values.ts";
export { type CohenKappa, cohenKappa } from "./cohen-kappa.ts";
export {
  type DiagnosticAccuracy,
  diagnosticAccuracy,
  type ProportionEstimate,
} from "./diagnostic-accuracy.ts";
export { fisherExactTest } from "./fisher-exact-test.ts";
export {
  type KrippendorffAlpha,
  type KrippendorffAlphaOptions,
  krippendorffAlpha,
} from "./krippendorff-alpha.ts";
export {
  fitLogisticRegression,
  type LogisticRegressionFit,
  type LogisticRegressionInput,
} from "./logistic-regression.ts";
export { type DesignMatrix, designMatrix, INTERCEPT } from "./logistic-regression-design-matrix.ts";
export { mcnemarExactTest } from "./mcnemar-exact-test.ts";
export { newcombeInterval } from "./newcombe-interval.ts";
export { pairedDifferenceInterval } from "./paired-difference-interval.ts";
export {
  type CorrectedPrevalence,
  type CorrectedPrevalenceInput,
  correctedPrevalence,
  roganGladen,
} from "./rogan-gladen.ts";
export type { PairedSampleSizeOptions, UnpairedSampleSizeOptions } from "./sample-size.ts";
export { pairedSampleSize, unpairedSampleSize } from "./sample-size.ts";
export { wilsonInterval } from "./wilson-interval.ts";
