import {
  describeValue,
  type Env,
  type EnvSpec,
  type ResetArgs,
  type ResetResult,
  type Space,
  type StepResult,
  ValidationError,
} from "@irlkit/core";

/**
 * The base of every irlkit wrapper: an `Env` that holds an inner `env` and forwards everything it
 * does not change. Subclasses override `reset` and/or `step` (one level of inheritance, no more).
 *
 * `env` is the environment directly inside this wrapper; `unwrapped` is the bare environment at the
 * bottom of the stack, as in Gymnasium.
 */
export abstract class Wrapper<Obs = Float32Array, Act = unknown, InnerObs = Obs, InnerAct = Act>
  implements Env<Obs, Act>
{
  /** The environment directly inside this wrapper. */
  readonly env: Env<InnerObs, InnerAct>;

  constructor(env: Env<InnerObs, InnerAct>) {
    if (!isEnvLike(env)) {
      throw new TypeError(
        `${new.target.name}: expected an Env (an object with reset, step, close, observationSpace and actionSpace), found ${describeEnvCandidate(env)}.`,
      );
    }
    this.env = env;
  }

  get observationSpace(): Space {
    return this.env.observationSpace;
  }

  get actionSpace(): Space {
    return this.env.actionSpace;
  }

  get spec(): EnvSpec | undefined {
    return this.env.spec;
  }

  /** The bare environment at the bottom of the wrapper stack. */
  get unwrapped(): Env<unknown, unknown> {
    return unwrap(this.env);
  }

  abstract reset(args?: ResetArgs): ResetResult<Obs>;
  abstract step(action: Act): StepResult<Obs>;

  close(): void {
    this.env.close();
  }
}

/** The bare environment under any stack of wrappers (the env itself when it is not wrapped). */
export function unwrap(env: Env<unknown, unknown>): Env<unknown, unknown> {
  let current: Env<unknown, unknown> = env;
  while (current instanceof Wrapper) current = current.env as Env<unknown, unknown>;
  return current;
}

/** True when `value` has the shape of an `Env` (duck-typed: spaces and the three methods). */
export function isEnvLike(value: unknown): value is Env<unknown, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Env<unknown, unknown>>;
  return (
    typeof candidate.reset === "function" &&
    typeof candidate.step === "function" &&
    typeof candidate.close === "function" &&
    typeof candidate.observationSpace === "object" &&
    candidate.observationSpace !== null &&
    typeof candidate.actionSpace === "object" &&
    candidate.actionSpace !== null
  );
}

function describeEnvCandidate(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const missing = ["reset", "step", "close", "observationSpace", "actionSpace"].filter(
    (key) => (value as Record<string, unknown>)[key] == null,
  );
  return missing.length > 0 ? `an object without ${missing.join(", ")}` : "an object";
}

/** A positive safe integer, or a `ValidationError` naming the field. */
export function checkPositiveInteger(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new ValidationError(field, "a positive integer", describeValue(value));
  }
  return value;
}

/** A finite number, or a `ValidationError` naming the field. */
export function checkFiniteNumber(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValidationError(field, "a finite number", describeValue(value));
  }
  return value;
}

/** A fresh copy of an observation: typed arrays are sliced, numbers returned as they are. */
export function copyObservation<Obs>(observation: Obs): Obs {
  if (ArrayBuffer.isView(observation)) {
    return (observation as unknown as Float32Array).slice() as unknown as Obs;
  }
  return observation;
}
