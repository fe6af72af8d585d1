export { benjaminiHochbergAdjust, holmAdjust } from "./adjust-p-values.ts";
export {
  type CmhPower,
  type CmhPowerOptions,
  type CmhSampleSize,
  type CmhSampleSizeOptions,
  cmhPower,
  cmhSampleSize,
} from "./cmh-power.ts";
export { type CohenKappa, type CohenKappaOptions, cohenKappa } from "./cohen-kappa.ts";
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
export {
  type BreslowDay,
  type MantelHaenszel,
  type MantelHaenszelOptions,
  mantelHaenszel,
  type StratumTable,
} from "./mantel-haenszel.ts";
export { mcnemarExactTest } from "./mcnemar-exact-test.ts";
export { newcombeInterval } from "./newcombe-interval.ts";
export {
  type EffectDifference,
  type OddsRatioHomogeneity,
  oddsRatioHomogeneity,
} from "./odds-ratio-homogeneity.ts";
export { pairedDifferenceInterval } from "./paired-difference-interval.ts";
export {
  type CorrectedPrevalence,
  type CorrectedPrevalenceInput,
  type CorrectedRiskDifference,
  type CorrectedRiskDifferenceInput,
  correctedPrevalence,
  correctedRiskDifference,
  type JudgeValidation,
  roganGladen,
} from "./rogan-gladen.ts";
export type { PairedSampleSizeOptions, UnpairedSampleSizeOptions } from "./sample-size.ts";
export { pairedSampleSize, unpairedSampleSize } from "./sample-size.ts";
export { wilsonInterval } from "./wilson-interval.ts";
