/**
 * A non-finite value the round found in a number it read back (a log-probability or a training
 * reward); `AdversarialTrainer.trainRound` turns it into a `TrainingDivergedError`.
 */
export class NonFiniteError extends Error {}

/** Throws `NonFiniteError` naming `what` and the first row whose value is not finite. */
export function checkFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new NonFiniteError(`the ${what} had a non-finite value (${values[i]}) at row ${i}`);
    }
  }
}
