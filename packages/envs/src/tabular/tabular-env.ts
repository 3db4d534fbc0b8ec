import {
  Discrete,
  type Env,
  type EnvSpec,
  type ResetArgs,
  type ResetResult,
  Rng,
  type StepResult,
} from "@irlkit/core";
import type { TabularMdp } from "./tabular-mdp.js";

/**
 * A Gymnasium-style `Env<number, number>` over any `TabularMdp`: the observation is the state index
 * (`Discrete(S)`), the action an index in `Discrete(A)`.
 *
 * - `reset({ seed })` reseeds the env's own `Rng` and draws s0 from the initial distribution;
 *   `reset({ options: { state } })` starts in `state` exactly. Without any seed the generator is
 *   seeded with 0, so runs are reproducible by default.
 * - `step(a)` draws s' ~ P(· | s, a) (one uniform, binary search in the row's running sums).
 * - Reward: the MDP's true reward of the state being *left*, r(s_t) (or r(s_t, a_t) for
 *   state-action rewards) — the convention of imitation's MCE IRL, where the reward is a function of
 *   the current state; 0 when the MDP has no true reward.
 * - `terminated` is true only when s' is one of the MDP's terminal states; the built-in worlds have
 *   none and rely on a fixed horizon (`FixedHorizon`, as in seals) applied by the registry.
 *
 * `info` carries `{ state, nextState }` (the indices before and after the step).
 */
export class TabularEnv implements Env<number, number> {
  readonly mdp: TabularMdp;
  readonly observationSpace: Discrete;
  readonly actionSpace: Discrete;
  spec: EnvSpec | undefined;
  #rng: Rng = new Rng(0);
  #state: number | undefined = undefined;

  /** @param options.spec the registration this env was made from @default undefined */
  constructor(mdp: TabularMdp, options: { spec?: EnvSpec } = {}) {
    this.mdp = mdp;
    this.observationSpace = new Discrete(mdp.stateCount);
    this.actionSpace = new Discrete(mdp.actionCount);
    this.spec = options.spec;
  }

  /** The current state index, or `undefined` before the first `reset`. */
  get state(): number | undefined {
    return this.#state;
  }

  reset(args: ResetArgs = {}): ResetResult<number> {
    if (args.seed !== undefined) this.#rng = new Rng(args.seed);
    const requested = args.options?.state;
    if (requested !== undefined) {
      this.observationSpace.check(requested, "reset options.state");
      this.#state = requested as number;
    } else {
      this.#state = this.mdp.sampleInitialState(this.#rng);
    }
    return { observation: this.#state, info: {} };
  }

  step(action: number): StepResult<number> {
    const state = this.#state;
    if (state === undefined) {
      throw new Error(
        `${this.constructor.name}.step was called before reset(); call reset() first.`,
      );
    }
    this.actionSpace.check(action, "action");
    const reward = this.mdp.rewardFor(state, action);
    const nextState = this.mdp.sampleNextState(state, action, this.#rng);
    this.#state = nextState;
    const terminated = this.mdp.terminalStates?.[nextState] === 1;
    return {
      observation: nextState,
      reward,
      terminated,
      truncated: false,
      info: { state, nextState },
    };
  }

  close(): void {}
}
