/**
 * The per-row work arrays of a fused policy head (categorical or Gaussian), shared by the fused PPO
 * and behaviour-cloning losses: grown to the largest minibatch seen, then reused, so a minibatch
 * allocates nothing.
 */
export class FusedHeadBuffers {
  /** Categorical log-softmax, `[rows * outputs]`. */
  logProbabilities = new Float64Array(0);
  /** log π(aᵢ | sᵢ), `[rows]`. */
  logProbs = new Float64Array(0);
  /** H(π(· | sᵢ)), `[rows]`. */
  entropies = new Float64Array(0);
  /** ∂loss/∂log π(aᵢ | sᵢ), `[rows]`. */
  dLogProbs = new Float64Array(0);
  /** ∂loss/∂H(π(· | sᵢ)), `[rows]`. */
  dEntropies = new Float64Array(0);
  /** ∂loss/∂(network output), `[rows * outputs]`. */
  dOutputs = new Float32Array(0);
  #capacity = 0;

  /** Makes room for `rows` rows of `outputs` network outputs; true when the arrays were regrown. */
  reserve(rows: number, outputs: number): boolean {
    if (rows <= this.#capacity) return false;
    this.#capacity = rows;
    this.logProbabilities = new Float64Array(rows * outputs);
    this.logProbs = new Float64Array(rows);
    this.entropies = new Float64Array(rows);
    this.dLogProbs = new Float64Array(rows);
    this.dEntropies = new Float64Array(rows);
    this.dOutputs = new Float32Array(rows * outputs);
    return true;
  }
}
