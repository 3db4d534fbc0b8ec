import {
  checkLimit,
  defaultLimits,
  describeValue,
  gatherTransitions,
  type Limits,
  type Rng,
  type Space,
  Transitions,
  ValidationError,
} from "@irlkit/core";

export interface ReplayBufferOptions {
  /** The most transitions kept; adding more overwrites the oldest (a ring). */
  capacity: number;
  observationSpace: Space;
  actionSpace: Space;
  /**
   * The largest buffer accepted: `capacity` observations (and as many next observations) within
   * `maxArrayBytes`, checked before they are allocated. @default defaultLimits
   */
  limits?: Limits;
}

export interface ReplayBufferSampleOptions {
  /**
   * Draw with replacement (indices independent and uniform, as imitation's `ReplayBuffer.sample`)
   * instead of `count` distinct transitions. @default false
   */
  replacement?: boolean;
}

/**
 * A fixed-capacity ring of transitions (s, a, s′, done[, r]) — the generator replay buffer of
 * adversarial imitation: each round's rollouts go in, the discriminator samples its generator batch
 * from the last `capacity` transitions.
 *
 * Storage is allocated once. Rewards are kept when the first batch added has them; later batches
 * must agree (a buffer never mixes rows with and without rewards).
 */
export class ReplayBuffer {
  readonly capacity: number;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly #observationSize: number;
  readonly #actionSize: number;
  readonly #observations: Float32Array;
  readonly #nextObservations: Float32Array;
  readonly #actions: Float32Array | Int32Array;
  readonly #dones: Uint8Array;
  readonly #rewards: Float32Array;
  /** `undefined` until the first add decides whether rewards are stored. */
  #withRewards: boolean | undefined = undefined;
  /** Index of the next row to write. */
  #head = 0;
  #size = 0;

  constructor(options: ReplayBufferOptions) {
    const { capacity, observationSpace, actionSpace } = options;
    if (!Number.isSafeInteger(capacity) || capacity <= 0) {
      throw new ValidationError(
        "ReplayBuffer capacity",
        "a positive integer",
        describeValue(capacity),
      );
    }
    checkLimit(
      options.limits ?? defaultLimits,
      "maxArrayBytes",
      capacity * observationSpace.flatSize * 4,
      "ReplayBuffer capacity × observation size (bytes of observations)",
    );
    this.capacity = capacity;
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.#observationSize = observationSpace.flatSize;
    this.#actionSize = actionSpace.flatSize;
    this.#observations = new Float32Array(capacity * this.#observationSize);
    this.#nextObservations = new Float32Array(capacity * this.#observationSize);
    this.#actions =
      actionSpace.kind === "Box"
        ? new Float32Array(capacity * this.#actionSize)
        : new Int32Array(capacity * this.#actionSize);
    this.#dones = new Uint8Array(capacity);
    this.#rewards = new Float32Array(capacity);
  }

  /** How many transitions the buffer holds (at most `capacity`). */
  get size(): number {
    return this.#size;
  }

  /** Whether stored transitions carry rewards (`false` while empty and undecided). */
  get hasRewards(): boolean {
    return this.#withRewards === true;
  }

  /**
   * Appends a batch, overwriting the oldest rows once full. A batch larger than the capacity keeps
   * only its last `capacity` rows.
   */
  add(transitions: Transitions): void {
    if (!(transitions instanceof Transitions)) {
      throw new ValidationError(
        "ReplayBuffer.add",
        "a Transitions batch",
        describeValue(transitions),
      );
    }
    if (
      !transitions.observationSpace.equals(this.observationSpace) ||
      !transitions.actionSpace.equals(this.actionSpace)
    ) {
      throw new ValidationError(
        "ReplayBuffer.add transitions",
        `the buffer's spaces (observations ${this.observationSpace.describe()}; actions ${this.actionSpace.describe()})`,
        `observations ${transitions.observationSpace.describe()}; actions ${transitions.actionSpace.describe()}`,
      );
    }
    const withRewards = transitions.rewards !== undefined;
    if (this.#withRewards !== undefined && this.#size > 0 && withRewards !== this.#withRewards) {
      throw new ValidationError(
        "ReplayBuffer.add transitions.rewards",
        this.#withRewards
          ? "rewards (the buffer stores rewards)"
          : "no rewards (the buffer stores none)",
        withRewards ? "rewards" : "none",
      );
    }
    this.#withRewards = withRewards;
    const count = transitions.count;
    const skip = Math.max(0, count - this.capacity);
    const os = this.#observationSize;
    const as = this.#actionSize;
    for (let source = skip; source < count; ) {
      // Copy the longest run that fits before the ring wraps.
      const run = Math.min(count - source, this.capacity - this.#head);
      const target = this.#head;
      this.#observations.set(
        transitions.observations.subarray(source * os, (source + run) * os),
        target * os,
      );
      this.#nextObservations.set(
        transitions.nextObservations.subarray(source * os, (source + run) * os),
        target * os,
      );
      this.#actions.set(
        transitions.actions.subarray(source * as, (source + run) * as),
        target * as,
      );
      this.#dones.set(transitions.dones.subarray(source, source + run), target);
      if (transitions.rewards !== undefined) {
        this.#rewards.set(transitions.rewards.subarray(source, source + run), target);
      }
      source += run;
      this.#head = (this.#head + run) % this.capacity;
      this.#size = Math.min(this.capacity, this.#size + run);
    }
  }

  /**
   * `count` transitions drawn uniformly with the given `rng`: distinct rows (a partial Fisher–Yates
   * shuffle) unless `replacement` is set. Without replacement, `count` may not exceed `size`.
   */
  sample(count: number, rng: Rng, options: ReplayBufferSampleOptions = {}): Transitions {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new ValidationError(
        "ReplayBuffer.sample count",
        "a non-negative integer",
        describeValue(count),
      );
    }
    const replacement = options.replacement ?? false;
    if (this.#size === 0) {
      throw new ValidationError("ReplayBuffer.sample", "a non-empty buffer", "0 transitions");
    }
    if (!replacement && count > this.#size) {
      throw new ValidationError(
        "ReplayBuffer.sample count",
        `at most ${this.#size} (the transitions held) without replacement`,
        String(count),
      );
    }
    const indices = new Int32Array(count);
    if (replacement) {
      for (let k = 0; k < count; k++) indices[k] = rng.integer(this.#size);
    } else {
      const pool = new Int32Array(this.#size);
      for (let i = 0; i < pool.length; i++) pool[i] = i;
      for (let k = 0; k < count; k++) {
        const j = k + rng.integer(pool.length - k);
        const chosen = pool[j]!;
        pool[j] = pool[k]!;
        pool[k] = chosen;
        indices[k] = chosen;
      }
    }
    return this.#rows(indices);
  }

  /** Every stored transition, oldest first. */
  toTransitions(): Transitions {
    const indices = new Int32Array(this.#size);
    for (let k = 0; k < indices.length; k++) indices[k] = k;
    return this.#rows(indices);
  }

  /** Forgets every transition (capacity and spaces stay). */
  clear(): void {
    this.#head = 0;
    this.#size = 0;
    this.#withRewards = undefined;
  }

  /** Rows by age: 0 is the oldest transition held. */
  #rows(ages: Int32Array): Transitions {
    const oldest = this.#size < this.capacity ? 0 : this.#head;
    return gatherTransitions(
      {
        observationSpace: this.observationSpace,
        actionSpace: this.actionSpace,
        observations: this.#observations,
        actions: this.#actions,
        nextObservations: this.#nextObservations,
        dones: this.#dones,
        ...(this.#withRewards ? { rewards: this.#rewards } : {}),
      },
      ages.length,
      (k) => (oldest + ages[k]!) % this.capacity,
    );
  }
}
