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
import { CliError, didYouMean } from "./errors.js";

/** Makes a registered env, or throws a `CliError` naming the nearest registered ids. */
export function makeEnv(id: string): Env<unknown, unknown> {
  checkEnvId(id);
  return make(id);
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
export function expertKind(id: string): "scripted" | "value-iteration" | undefined {
  const registration = spec(id);
  if (registration.scriptedExpert !== undefined) return "scripted";
  return tabularMdp(make(id)) !== undefined ? "value-iteration" : undefined;
}

/** `episodes` expert demonstrations (episode i reset with `seed + i` for scripted experts). */
export async function expertDemonstrations(
  id: string,
  episodes: number,
  seed: number,
): Promise<Trajectory[]> {
  const registration = spec(id);
  const env = make(id);
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
