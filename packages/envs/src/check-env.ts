import {
  Box,
  Discrete,
  describeValue,
  type Env,
  MultiDiscrete,
  Rng,
  type Space,
} from "@irlkit/core";

/** The checks `checkEnv` runs, in order. */
export type CheckEnvCheck =
  | "spaces"
  | "reset"
  | "reset-options"
  | "reset-seed-determinism"
  | "reset-seed-variety"
  | "step-determinism"
  | "step-observation"
  | "step-reward"
  | "step-flags"
  | "step-info"
  | "fresh-observation"
  | "invalid-actions"
  | "step-before-reset"
  | "close-twice";

export interface CheckEnvOptions {
  /** The seed of the seeded resets and of the action sequence. @default 123 */
  seed?: number;
  /** How many steps of the fixed random action sequence to take (fewer when an episode ends). @default 100 */
  steps?: number;
  /**
   * The env starts every episode in the same state whatever the seed (for example a GridWorld with
   * a fixed start): skip the "different seeds give different first observations" check.
   * @default false
   */
  deterministicReset?: boolean;
}

export interface CheckEnvFailure {
  check: CheckEnvCheck;
  message: string;
}

/** What `checkEnv` did when every check passed. */
export interface CheckEnvReport {
  passed: CheckEnvCheck[];
  /** Checks that could not run, with the reason (e.g. step-before-reset needs a factory). */
  skipped: { check: CheckEnvCheck; reason: string }[];
  /** Not errors, but worth a look (as Gymnasium's checker warns about unbounded boxes). */
  warnings: string[];
}

/** Thrown by `checkEnv` with every failed check. */
export class CheckEnvError extends Error {
  override readonly name = "CheckEnvError";
  readonly failures: readonly CheckEnvFailure[];

  constructor(envName: string, failures: CheckEnvFailure[]) {
    const lines = failures.map((failure, i) => `  ${i + 1}. [${failure.check}] ${failure.message}`);
    super(
      `checkEnv(${envName}): ${failures.length} check${failures.length === 1 ? "" : "s"} failed:\n${lines.join("\n")}`,
    );
    this.failures = Object.freeze([...failures]);
  }
}

/**
 * Checks that an environment follows the `Env` contract, as Gymnasium's `check_env`:
 *
 * - `spaces`: `observationSpace` and `actionSpace` are core `Box`, `Discrete` or `MultiDiscrete`;
 * - `reset`: `reset()` returns `{ observation, info }` with the observation in the space and a
 *   plain-object info; `reset-options`: `reset({ options: {} })` is accepted;
 * - `reset-seed-determinism`: `reset({ seed })` twice gives the same observation;
 *   `reset-seed-variety`: different seeds give different first observations (skip with
 *   `deterministicReset` for envs with a fixed start);
 * - `step-determinism`: the same seed and the same action sequence give the same observations,
 *   rewards and flags;
 * - at every step: the observation is in the space (`step-observation`), the reward a finite number
 *   (`step-reward`), `terminated`/`truncated` booleans (`step-flags`), info a plain object
 *   (`step-info`), and the observation a fresh array, not a buffer the env reuses
 *   (`fresh-observation`);
 * - `invalid-actions`: out-of-space actions throw;
 * - `step-before-reset`: `step` on a fresh env throws (needs a factory: `checkEnv(() => new MyEnv())`);
 * - `close-twice`: `close()` twice does not throw.
 *
 * Pass a factory when you can: it is called once for the main checks and once for a fresh env.
 * Throws one `CheckEnvError` listing every failed check; returns a report otherwise.
 */
export function checkEnv(
  envOrFactory: Env<unknown, unknown> | (() => Env<unknown, unknown>),
  options: CheckEnvOptions = {},
): CheckEnvReport {
  const seed = options.seed ?? 123;
  const steps = options.steps ?? 100;
  if (!Number.isSafeInteger(seed)) {
    throw new TypeError(
      `checkEnv options.seed: expected a safe integer, found ${describeValue(seed)}.`,
    );
  }
  if (!Number.isSafeInteger(steps) || steps <= 0) {
    throw new TypeError(
      `checkEnv options.steps: expected a positive integer, found ${describeValue(steps)}.`,
    );
  }
  const factory = typeof envOrFactory === "function" ? envOrFactory : undefined;
  const env = factory !== undefined ? factory() : envOrFactory;
  if (typeof env !== "object" || env === null) {
    throw new TypeError(
      `checkEnv: expected an Env or a function returning one, found ${describeValue(env)}.`,
    );
  }
  const envName = env.spec?.id ?? env.constructor?.name ?? "env";
  const failures: CheckEnvFailure[] = [];
  const report: CheckEnvReport = { passed: [], skipped: [], warnings: [] };
  const failedChecks = new Set<CheckEnvCheck>();
  const fail = (check: CheckEnvCheck, message: string): void => {
    // One message per check keeps the report readable (the first problem is the one to fix).
    if (failedChecks.has(check)) return;
    failedChecks.add(check);
    failures.push({ check, message });
  };
  const pass = (check: CheckEnvCheck): void => {
    if (!failedChecks.has(check) && !report.passed.includes(check)) report.passed.push(check);
  };
  const finish = (): CheckEnvReport => {
    if (failures.length > 0) throw new CheckEnvError(envName, failures);
    return report;
  };

  // --- spaces -------------------------------------------------------------------------------
  const observationSpace = env.observationSpace;
  const actionSpace = env.actionSpace;
  const spaceProblem = (space: unknown, name: string): string | undefined =>
    space instanceof Box || space instanceof Discrete || space instanceof MultiDiscrete
      ? undefined
      : `${name} must be a Box, Discrete or MultiDiscrete from @irlkit/core; found ${describeValue(space)}`;
  const spaceProblems = [
    spaceProblem(observationSpace, "observationSpace"),
    spaceProblem(actionSpace, "actionSpace"),
  ].filter((problem): problem is string => problem !== undefined);
  if (spaceProblems.length > 0) {
    fail("spaces", spaceProblems.join("; "));
    return finish(); // nothing else can be checked without valid spaces
  }
  pass("spaces");
  for (const [space, name] of [
    [observationSpace, "observation"],
    [actionSpace, "action"],
  ] as const) {
    if (space instanceof Box && !space.isBounded) {
      report.warnings.push(`the ${name} space has infinite bounds; is that intended?`);
    }
  }

  // --- reset --------------------------------------------------------------------------------
  const resetObservation = (label: string, args?: Parameters<Env["reset"]>[0]): unknown => {
    const result = env.reset(args);
    if (typeof result !== "object" || result === null || !("observation" in result)) {
      throw new Error(`${label} returned ${describeValue(result)}; expected { observation, info }`);
    }
    const problem = observationSpace.explain(result.observation);
    if (problem !== undefined) {
      throw new Error(
        `${label} returned an observation outside the observation space: expected ${observationSpace.describe()}, found ${problem}`,
      );
    }
    if (!isPlainObject(result.info)) {
      throw new Error(
        `${label} returned info ${describeValue(result.info)}; expected a plain object`,
      );
    }
    return result.observation;
  };
  try {
    resetObservation("reset()");
    pass("reset");
  } catch (error) {
    fail("reset", messageOf(error));
    return finish(); // every later check starts with a reset
  }
  try {
    resetObservation("reset({ options: {} })", { options: {} });
    pass("reset-options");
  } catch (error) {
    fail("reset-options", messageOf(error));
  }
  try {
    const first = copyValue(resetObservation(`reset({ seed: ${seed} })`, { seed }));
    const second = copyValue(resetObservation(`reset({ seed: ${seed} })`, { seed }));
    if (!sameValue(first, second)) {
      fail(
        "reset-seed-determinism",
        `reset({ seed: ${seed} }) twice gave different observations (${formatValue(first)} then ${formatValue(second)}${firstDifferingIndex(first, second)}); seed the env's Rng from the reset seed`,
      );
    } else pass("reset-seed-determinism");
    if (options.deterministicReset === true) {
      report.skipped.push({
        check: "reset-seed-variety",
        reason: "options.deterministicReset is true",
      });
    } else {
      const others = [1, 2, 3, 4].map((offset) => seed + offset);
      const differs = others.some((other) => {
        const observation = resetObservation(`reset({ seed: ${other} })`, { seed: other });
        return !sameValue(first, observation);
      });
      if (!differs) {
        fail(
          "reset-seed-variety",
          `reset({ seed }) gave the same first observation ${formatValue(first)} for seeds ${seed} to ${seed + 4}; the env ignores the seed, or its start is deterministic by design (then pass { deterministicReset: true })`,
        );
      } else pass("reset-seed-variety");
    }
  } catch (error) {
    fail("reset-seed-determinism", messageOf(error));
  }

  // --- steps: two rollouts with the same seed and the same actions -----------------------------
  const actionRng = new Rng(seed).derive("checkEnv/actions");
  const actions: unknown[] = [];
  for (let t = 0; t < steps; t++) actions.push(actionSpace.sample(actionRng));
  const rollout = (): StepRecord[] | undefined => {
    const records: StepRecord[] = [];
    let previous: unknown;
    try {
      previous = env.reset({ seed }).observation;
    } catch (error) {
      fail("step-determinism", `reset({ seed: ${seed} }) threw: ${messageOf(error)}`);
      return undefined;
    }
    for (let t = 0; t < steps; t++) {
      let result: ReturnType<Env<unknown, unknown>["step"]>;
      try {
        result = env.step(copyValue(actions[t]));
      } catch (error) {
        fail(
          "step-determinism",
          `step(${formatValue(actions[t])}) at step ${t} threw on a valid action: ${messageOf(error)}`,
        );
        return undefined;
      }
      if (typeof result !== "object" || result === null) {
        fail(
          "step-observation",
          `step ${t} returned ${describeValue(result)}; expected a StepResult`,
        );
        return undefined;
      }
      const { observation, reward, terminated, truncated, info } = result;
      const problem = observationSpace.explain(observation);
      if (problem !== undefined) {
        fail(
          "step-observation",
          `step ${t} returned an observation outside the observation space: expected ${observationSpace.describe()}, found ${problem}`,
        );
      }
      if (typeof reward !== "number" || !Number.isFinite(reward)) {
        fail(
          "step-reward",
          `step ${t} returned reward ${describeValue(reward)}; expected a finite number`,
        );
      }
      if (typeof terminated !== "boolean" || typeof truncated !== "boolean") {
        fail(
          "step-flags",
          `step ${t} returned terminated = ${describeValue(terminated)}, truncated = ${describeValue(truncated)}; expected booleans`,
        );
      }
      if (!isPlainObject(info)) {
        fail(
          "step-info",
          `step ${t} returned info ${describeValue(info)}; expected a plain object`,
        );
      }
      if (sharesBuffer(observation, previous)) {
        fail(
          "fresh-observation",
          `step ${t} returned an observation sharing its buffer with the previous observation; return a fresh array every step (a caller may keep the previous one)`,
        );
      }
      previous = observation;
      records.push({ observation: copyValue(observation), reward, terminated, truncated });
      if (terminated === true || truncated === true) break;
    }
    return records;
  };
  const first = rollout();
  const second = first === undefined ? undefined : rollout();
  for (const check of [
    "step-observation",
    "step-reward",
    "step-flags",
    "step-info",
    "fresh-observation",
  ] as const) {
    if (first !== undefined) pass(check);
  }
  if (first !== undefined && second !== undefined) {
    const difference = firstDifference(first, second);
    if (difference !== undefined) {
      fail(
        "step-determinism",
        `reset({ seed: ${seed} }) and the same actions gave different episodes: ${difference}; draw every random number from the env's seeded Rng`,
      );
    } else pass("step-determinism");
  }

  // --- invalid actions ----------------------------------------------------------------------
  const invalid = invalidActions(actionSpace);
  const accepted: string[] = [];
  for (const { action, label } of invalid) {
    try {
      env.reset({ seed });
    } catch {
      break;
    }
    try {
      env.step(action);
      accepted.push(label);
    } catch {
      // rejected, as it should be
    }
  }
  if (accepted.length > 0) {
    fail(
      "invalid-actions",
      `step accepted invalid actions: ${accepted.join("; ")}; check actions with actionSpace.check(action, "action")`,
    );
  } else pass("invalid-actions");

  // --- step before reset (fresh env) ----------------------------------------------------------
  if (factory === undefined) {
    report.skipped.push({
      check: "step-before-reset",
      reason: "checkEnv was given an env, not a factory (pass () => new MyEnv() to run it)",
    });
  } else {
    let fresh: Env<unknown, unknown> | undefined;
    try {
      fresh = factory();
      fresh.step(copyValue(actions[0]));
      fail(
        "step-before-reset",
        "step() on a freshly built env did not throw; throw until reset() has been called",
      );
    } catch (error) {
      if (fresh === undefined) fail("step-before-reset", `the factory threw: ${messageOf(error)}`);
      else pass("step-before-reset");
    }
    try {
      fresh?.close();
    } catch {
      // close-twice below reports close problems
    }
  }

  // --- close twice ----------------------------------------------------------------------------
  try {
    env.close();
    env.close();
    pass("close-twice");
  } catch (error) {
    fail(
      "close-twice",
      `close() threw when called twice: ${messageOf(error)}; make close() idempotent`,
    );
  }
  return finish();
}

interface StepRecord {
  observation: unknown;
  reward: unknown;
  terminated: unknown;
  truncated: unknown;
}

function invalidActions(space: Space): { action: unknown; label: string }[] {
  if (space instanceof Discrete) {
    const end = space.start + space.n;
    return [
      { action: end, label: `${end} (out of range; expected ${space.describe()})` },
      { action: space.start - 1, label: `${space.start - 1} (out of range)` },
      { action: space.start + 0.5, label: `${space.start + 0.5} (not an integer)` },
      { action: Number.NaN, label: "NaN" },
    ];
  }
  if (space instanceof MultiDiscrete) {
    const tooBig = Int32Array.from(space.start, (start, i) => start + space.nvec[i]!);
    return [
      { action: tooBig, label: `[${Array.from(tooBig).join(", ")}] (out of range)` },
      {
        action: new Int32Array(space.flatSize + 1),
        label: `Int32Array(${space.flatSize + 1}) (wrong length)`,
      },
    ];
  }
  const size = (space as Box).flatSize;
  return [
    {
      action: new Float32Array(size + 1),
      label: `Float32Array(${size + 1}) (wrong length; expected ${size})`,
    },
    { action: new Float32Array(size).fill(Number.NaN), label: `Float32Array(${size}) of NaN` },
  ];
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function sharesBuffer(a: unknown, b: unknown): boolean {
  return ArrayBuffer.isView(a) && ArrayBuffer.isView(b) && a.buffer === b.buffer;
}

function copyValue<T>(value: T): T {
  if (ArrayBuffer.isView(value)) return (value as unknown as Float32Array).slice() as unknown as T;
  if (Array.isArray(value)) return [...value] as T;
  return value;
}

/** A plain array or a typed array (observations may be either). */
function isArrayOfValues(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** Equal numbers, or arrays (plain or typed, nested) equal element by element. */
function sameValue(a: unknown, b: unknown): boolean {
  if (isArrayOfValues(a) && isArrayOfValues(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  return Object.is(a, b);
}

/** A value with its numbers: `[0.1, 0.2, …]` for arrays (the first six), else `describeValue`. */
function formatValue(value: unknown): string {
  if (isArrayOfValues(value)) {
    const values = Array.from(value);
    const shown = values.slice(0, 6).map(formatValue).join(", ");
    return `[${shown}${values.length > 6 ? ", …" : ""}]`;
  }
  return describeValue(value);
}

/** Where two arrays first differ, e.g. ` (first difference at index 3: 0.25 then 0.5)`, or "". */
function firstDifferingIndex(a: unknown, b: unknown): string {
  if (!isArrayOfValues(a) || !isArrayOfValues(b) || a.length !== b.length) return "";
  for (let i = 0; i < a.length; i++) {
    if (!sameValue(a[i], b[i])) {
      return ` (first difference at index ${i}: ${formatValue(a[i])} then ${formatValue(b[i])})`;
    }
  }
  return "";
}

function firstDifference(a: StepRecord[], b: StepRecord[]): string | undefined {
  const length = Math.min(a.length, b.length);
  for (let t = 0; t < length; t++) {
    const x = a[t]!;
    const y = b[t]!;
    for (const key of ["observation", "reward", "terminated", "truncated"] as const) {
      if (!sameValue(x[key], y[key])) {
        return `at step ${t} the ${key} was ${formatValue(x[key])} then ${formatValue(y[key])}${firstDifferingIndex(x[key], y[key])}`;
      }
    }
  }
  if (a.length !== b.length) return `the episodes lasted ${a.length} and ${b.length} steps`;
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
