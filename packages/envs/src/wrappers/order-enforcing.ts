import type { Env, EnvSpec, ResetArgs, ResetResult, StepResult } from "@irlkit/core";
import { Wrapper } from "./wrapper.js";

export interface OrderEnforcingOptions {
  /**
   * The spec to report as this env's `spec` (the registry passes the registration it made the env
   * from). @default the inner env's spec
   */
  spec?: EnvSpec;
}

/**
 * Throws when `step` is called before the first `reset`, as Gymnasium's `OrderEnforcing`. `make`
 * puts it directly around every env it builds, and it carries the env's `spec`.
 */
export class OrderEnforcing<Obs = Float32Array, Act = unknown> extends Wrapper<Obs, Act> {
  readonly #spec: EnvSpec | undefined;
  #hasReset = false;

  constructor(env: Env<Obs, Act>, options: OrderEnforcingOptions = {}) {
    super(env);
    this.#spec = options.spec;
  }

  override get spec(): EnvSpec | undefined {
    return this.#spec ?? this.env.spec;
  }

  /** True once `reset` has been called. */
  get hasReset(): boolean {
    return this.#hasReset;
  }

  reset(args?: ResetArgs): ResetResult<Obs> {
    const result = this.env.reset(args);
    this.#hasReset = true;
    return result;
  }

  step(action: Act): StepResult<Obs> {
    if (!this.#hasReset) {
      const id = this.spec?.id;
      throw new Error(
        `${id ?? "env"}: step() was called before reset(); call reset() to start an episode first.`,
      );
    }
    return this.env.step(action);
  }
}
