/**
 * One source of truth for parameters that live both in tfjs variables (the general path: any loss
 * graph, second derivatives, webgl) and in host Float32Arrays (the fused path, acting). Decision
 * 0014: whichever side was written last is the truth, and the other follows when it is next used.
 *
 * - The fused path writes the host arrays and calls `markHostChanged()`; the variables are
 *   reassigned from them (one `assign` each) the next time `variables()` is asked for.
 * - tfjs code writes the variables (tfjs-path Adam, `writeParameters`); `pull()` then re-reads the
 *   host arrays (one `dataSync` each). Owners call it from their `refresh()`, which every trainer
 *   already calls after changing a policy's variables (decision 0007). `pull()` never overwrites
 *   host changes the variables have not seen.
 */
import * as tf from "@tensorflow/tfjs-core";

export class HostParameters {
  /** The host copies, one per variable (same order and sizes). */
  readonly views: readonly Float32Array[];
  readonly #variables: readonly tf.Variable[];
  #hostAhead = false;

  constructor(variables: readonly tf.Variable[], views: readonly Float32Array[]) {
    if (variables.length !== views.length) {
      throw new RangeError(
        `HostParameters: ${variables.length} variables but ${views.length} host arrays.`,
      );
    }
    variables.forEach((variable, index) => {
      if (variable.size !== views[index]!.length) {
        throw new RangeError(
          `HostParameters: variable ${index} has ${variable.size} values, its host array ${views[index]!.length}.`,
        );
      }
    });
    this.#variables = variables;
    this.views = views;
  }

  /** True while the host arrays hold changes the variables have not received yet. */
  get hostAhead(): boolean {
    return this.#hostAhead;
  }

  /** Declares the host arrays written: the variables take their values before their next use. */
  markHostChanged(): void {
    this.#hostAhead = true;
  }

  /** The variables, brought up to date with the host arrays first. */
  variables(): readonly tf.Variable[] {
    if (this.#hostAhead) {
      tf.tidy(() => {
        this.#variables.forEach((variable, index) => {
          variable.assign(tf.tensor(this.views[index]!, variable.shape, "float32"));
        });
      });
      this.#hostAhead = false;
    }
    return this.#variables;
  }

  /** Re-reads the host arrays from the variables, unless the host arrays are ahead (then a no-op). */
  pull(): void {
    if (this.#hostAhead) return;
    this.#variables.forEach((variable, index) => {
      this.views[index]!.set(variable.dataSync() as Float32Array);
    });
  }
}
