/**
 * Training stopped because a number went non-finite (or another divergence test failed). The
 * trainer restored the last good state before throwing, so the model it was given holds the
 * parameters of `lastGoodIteration` and can be saved or inspected.
 */
export class TrainingDivergedError extends Error {
  override readonly name = "TrainingDivergedError";
  /** The algorithm that stopped, e.g. `"mceIrl"`. */
  readonly algorithm: string;
  /** The iteration at which divergence was detected. */
  readonly iteration: number;
  /** The last iteration whose state was kept (−1 when none completed). */
  readonly lastGoodIteration: number;

  constructor(algorithm: string, iteration: number, lastGoodIteration: number, reason: string) {
    super(
      `${algorithm} diverged at iteration ${iteration}: ${reason}. The model was restored to its state after iteration ${lastGoodIteration}; lower the learning rate or check the inputs.`,
    );
    this.algorithm = algorithm;
    this.iteration = iteration;
    this.lastGoodIteration = lastGoodIteration;
  }
}
