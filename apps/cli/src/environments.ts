/**
 * Environments from the registry, with the CLI's errors (unknown ids get the nearest registered
 * ids) and the expert every env has: the registry's scripted expert, or, for tabular worlds that
 * expose their MDP, the optimal policy from value iteration on the true reward.
 */
import type { Env, Trajectory } from "@irlkit/core";
import { Rng } from "@irlkit/core";
import { make, registeredIds, spec, TabularEnv, type TabularMdp, unwrap } from "@irlkit/envs";
import { oneHotPolicy, sampleTabularTrajectories, valueIteration } from "@irlkit/rl";
import { generateDemonstrations } from "@irlkit/samplers";
import { parse as parseYaml } from "yaml";
import { CliError, didYouMean } from "./errors.js";

/**
 * Constructor arguments merged over a registration's own (`--env-kwargs`, a preset's or a run's
 * `envKwargs`; Gymnasium's `gym.make(id, **kwargs)`, rl-baselines3-zoo's `env_kwargs`).
 */
export type EnvKwargs = Readonly<Record<string, unknown>>;

/** A registered env id, optionally with constructor arguments. */
export type EnvReference = string | { readonly id: string; readonly kwargs: EnvKwargs };

export function envIdOf(reference: EnvReference): string {
  return typeof reference === "string" ? reference : reference.id;
}

export function envKwargsOf(reference: EnvReference): EnvKwargs {
  return typeof reference === "string" ? {} : reference.kwargs;
}

/** `id`, or `id` with its kwargs when there are any (what a run records and commands take). */
export function envReference(id: string, kwargs: EnvKwargs | undefined): EnvReference {
  return kwargs === undefined || Object.keys(kwargs).length === 0 ? id : { id, kwargs };
}

/** "PointMazeLeft-v0" or "PointMazeLeft-v0 {includeVelocity: false}", for messages and labels. */
export function describeEnv(reference: EnvReference): string {
  const kwargs = envKwargsOf(reference);
  const entries = Object.entries(kwargs).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return entries.length === 0
    ? envIdOf(reference)
    : `${envIdOf(reference)} {${entries.join(", ")}}`;
}

/**
 * Parses `--env-kwargs TEXT`: a YAML or JSON mapping (`{includeVelocity: false}`), as rl-zoo's
 * `--env-kwargs`; the registry checks the values when the env is made.
 */
export function parseEnvKwargs(text: string | undefined): EnvKwargs | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new CliError(
      `--env-kwargs: expected a mapping such as '{includeVelocity: false}', found ${JSON.stringify(text)} (${(error as Error).message.split("\n")[0]}).`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new CliError(
      `--env-kwargs: expected a mapping such as '{includeVelocity: false}', found ${JSON.stringify(text)}.`,
    );
  }
  return Object.freeze({ ...(parsed as Record<string, unknown>) });
}

/**
 * Makes a registered env (with its kwargs), or throws a `CliError` naming the nearest registered
 * ids; a kwarg the env does not accept is reported by the env's own check.
 */
export function makeEnv(reference: EnvReference): Env<unknown, unknown> {
  const id = envIdOf(reference);
  checkEnvId(id);
  const kwargs = envKwargsOf(reference);
  try {
    return Object.keys(kwargs).length === 0 ? make(id) : make(id, { kwargs: { ...kwargs } });
  } catch (error) {
    if (Object.keys(kwargs).length === 0) throw error;
    throw new CliError(`${describeEnv(reference)}: ${(error as Error).message}`);
  }
}

/** Throws a `CliError` (with suggestions) when `id` is not registered. */
export function checkEnvId(id: string): void {
  const ids = registeredIds();
  if (ids.includes(id)) return;
  throw new CliError(
    `Unknown environment "${id}"${didYouMean(id, ids)} Run \`irlkit envs\` to list them.`,
  );
}

/** The MDP of a tabular env (GridWorld, ObjectWorld, CliffWorld), or undefined. */
export function tabularMdp(env: Env<unknown, unknown>): TabularMdp | undefined {
  const inner = unwrap(env);
  return inner instanceof TabularEnv ? inner.mdp : undefined;
}

/** The horizon episodes of `id` last at most (fixed horizon or time limit). */
export function episodeHorizon(id: string): number | undefined {
  const registration = spec(id);
  return registration.fixedHorizon ?? registration.maxEpisodeSteps;
}

/** How demonstrations of `id` are produced without a trained network. */
export function expertKind(reference: EnvReference): "scripted" | "value-iteration" | undefined {
  const registration = spec(envIdOf(reference));
  if (registration.scriptedExpert !== undefined) return "scripted";
  return tabularMdp(makeEnv(reference)) !== undefined ? "value-iteration" : undefined;
}

/** `episodes` expert demonstrations (episode i reset with `seed + i` for scripted experts). */
export async function expertDemonstrations(
  reference: EnvReference,
  episodes: number,
  seed: number,
): Promise<Trajectory[]> {
  const id = envIdOf(reference);
  const registration = spec(id);
  const env = makeEnv(reference);
  try {
    if (registration.scriptedExpert !== undefined) {
      return await generateDemonstrations(registration.scriptedExpert(env), env, {
        episodes,
        seed,
      });
    }
    const mdp = tabularMdp(env);
    if (mdp === undefined) {
      throw new CliError(
        `"${id}" has no scripted expert and no tabular MDP; pass --expert PATH.onnx (a policy exported with \`irlkit export RUN --onnx\`).`,
      );
    }
    if (mdp.reward === undefined) {
      throw new CliError(`"${id}" exposes an MDP without a reward, so it has no expert.`);
    }
    const solution = valueIteration(
      mdp,
      mdp.reward,
      mdp.horizon === undefined ? {} : { horizon: mdp.horizon },
    );
    const policy = oneHotPolicy(solution.greedyActions, mdp.actionCount);
    return sampleTabularTrajectories(mdp, policy, { episodes, rng: new Rng(seed).derive("demos") });
  } finally {
    env.close();
  }
}
