/**
 * Behaviour cloning on MuJoCo's HalfCheetah in a Web Worker, as the CLI runs it:
 *
 * 1. `await registerMujocoEnvs()` (the official MuJoCo WebAssembly build), then
 *    `make("seals/HalfCheetah-v1")`;
 * 2. `irlkit demos --env seals/HalfCheetah-v1 --episodes N --seed 10000 --expert scripted`: the
 *    shipped PPO expert's deterministic episodes, episode i reset with seed 10000 + i;
 * 3. `irlkit train bc --env seals/HalfCheetah-v1 --demos DEMOS --seed 0 --steps 20` with the CLI's
 *    preset (settings/presets.ts), one epoch at a time so the page shows each;
 * 4. `irlkit eval RUN --episodes 1 --seed 1000`: the cloned policy, the expert (deterministic) and
 *    a uniform random policy on the same episode, the normalised score from their returns. Each
 *    played episode is recorded for the side view: every frame's capsule geoms from the MuJoCo
 *    data (`geom_xpos`, `geom_xmat`) of the env under the registry's wrappers.
 */
import {
  type Env,
  type Policy,
  type ResetArgs,
  type ResetResult,
  type StepResult,
  Transitions,
} from "@irlkit/core";
import { make, unwrap, Wrapper } from "@irlkit/envs";
import { MujocoEnv, registerMujocoEnvs, shippedExpert } from "@irlkit/mujoco";
import { BehaviourCloning } from "@irlkit/rl";
import { evaluatePolicy, generateDemonstrations } from "@irlkit/samplers";
import { UniformRandomPolicy } from "@irlkit/samplers/testing";
import {
  MUJOCO_BC_RUN,
  MUJOCO_DEMONSTRATION_SEED,
  MUJOCO_EVALUATION_SEED,
} from "../settings/demo-runs.js";
import { demoRunSettings, settingValueText } from "../settings/presets.js";
import { initSiteBackend } from "../tensor-backend.js";
import type {
  MujocoStartRequest,
  MujocoWorkerMessage,
  PlayedPolicy,
  SideViewGeom,
} from "./mujoco-protocol.js";

/** MuJoCo's `mjGEOM_CAPSULE` and `mjGEOM_CYLINDER` (mjtGeom): drawn as segments along local z. */
const SEGMENT_GEOM_TYPES = new Set([3, 5]);

function post(message: MujocoWorkerMessage, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

/** The MuJoCo env under the registry's wrappers (OrderEnforcing, FixedHorizon). */
function mujocoEnvOf(env: Env<unknown, unknown>): MujocoEnv {
  const bare = unwrap(env);
  if (!(bare instanceof MujocoEnv)) {
    throw new Error(`${MUJOCO_BC_RUN.envId} is not a MuJoCo env under its wrappers.`);
  }
  return bare;
}

/** The capsule geoms of the model, in geom order: their ids, names and radii. */
function sideViewGeoms(env: MujocoEnv): { ids: number[]; geoms: SideViewGeom[] } {
  const model = env.model;
  const types = model.geom_type as Int32Array;
  const sizes = model.geom_size as Float64Array;
  const geomObject = env.mujoco.mjtObj.mjOBJ_GEOM.value;
  const ids: number[] = [];
  const geoms: SideViewGeom[] = [];
  for (let id = 0; id < model.ngeom; id++) {
    if (!SEGMENT_GEOM_TYPES.has(types[id]!)) continue;
    ids.push(id);
    geoms.push({
      name: env.mujoco.mj_id2name(model, geomObject, id) || `geom ${id}`,
      radius: sizes[3 * id]!,
    });
  }
  return { ids, geoms };
}

/** Counts an env's finished episodes, their steps and returns (the demonstrations' progress). */
class EpisodeCounter extends Wrapper<Float32Array, Float32Array> {
  episodes = 0;
  steps = 0;
  returnSum = 0;
  readonly #onEpisodeEnd: () => void;
  constructor(env: Env<Float32Array, Float32Array>, onEpisodeEnd: () => void) {
    super(env);
    this.#onEpisodeEnd = onEpisodeEnd;
  }
  reset(args?: ResetArgs): ResetResult<Float32Array> {
    return this.env.reset(args);
  }
  step(action: Float32Array): StepResult<Float32Array> {
    const result = this.env.step(action);
    this.steps++;
    this.returnSum += result.reward;
    if (result.terminated || result.truncated) {
      this.episodes++;
      this.#onEpisodeEnd();
    }
    return result;
  }
}

/**
 * Records what the side view draws after the reset and every step: each capsule's end points
 * `centre ± halfLength · axis` in the x–z plane (the axis is the geom frame's z, column 2 of the
 * row-major `geom_xmat`), the torso's x and the return so far. The views into the wasm heap are
 * read afresh on every frame (an allocation may detach them).
 */
class SideViewRecorder extends Wrapper<Float32Array, Float32Array> {
  readonly segments: number[] = [];
  readonly torsoX: number[] = [];
  readonly cumulativeReturn: number[] = [];
  readonly #mujoco: MujocoEnv;
  readonly #ids: readonly number[];
  readonly #torsoBody: number;
  #return = 0;

  constructor(env: Env<Float32Array, Float32Array>, ids: readonly number[]) {
    super(env);
    this.#mujoco = mujocoEnvOf(env);
    this.#ids = ids;
    const { model, mujoco } = this.#mujoco;
    this.#torsoBody = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_BODY.value, "torso");
    if (this.#torsoBody < 0) throw new Error("The HalfCheetah model has no body named torso.");
  }

  reset(args?: ResetArgs): ResetResult<Float32Array> {
    const result = this.env.reset(args);
    this.segments.length = 0;
    this.torsoX.length = 0;
    this.cumulativeReturn.length = 0;
    this.#return = 0;
    this.#record();
    return result;
  }

  step(action: Float32Array): StepResult<Float32Array> {
    const result = this.env.step(action);
    this.#return += result.reward;
    this.#record();
    return result;
  }

  get frames(): number {
    return this.torsoX.length;
  }

  #record(): void {
    const { model, data } = this.#mujoco;
    const positions = data.geom_xpos as Float64Array;
    const orientations = data.geom_xmat as Float64Array;
    const sizes = model.geom_size as Float64Array;
    for (const id of this.#ids) {
      const halfLength = sizes[3 * id + 1]!;
      const x = positions[3 * id]!;
      const z = positions[3 * id + 2]!;
      const axisX = orientations[9 * id + 2]!;
      const axisZ = orientations[9 * id + 8]!;
      this.segments.push(
        x - halfLength * axisX,
        z - halfLength * axisZ,
        x + halfLength * axisX,
        z + halfLength * axisZ,
      );
    }
    this.torsoX.push((data.xpos as Float64Array)[3 * this.#torsoBody]!);
    this.cumulativeReturn.push(this.#return);
  }
}

async function run(request: MujocoStartRequest): Promise<void> {
  const started = performance.now();
  const since = () => performance.now() - started;
  // 1. tfjs (BC's policy variables) and the MuJoCo module, loaded side by side; the env and the
  // settings.
  const [backend, mujocoLoadMs] = await Promise.all([
    initSiteBackend(),
    (async () => {
      const before = performance.now();
      await registerMujocoEnvs();
      return performance.now() - before;
    })(),
  ]);
  const bcRun = { ...MUJOCO_BC_RUN, demonstrationEpisodes: request.demonstrationEpisodes };
  const { preset, presetBudget, resolved, config } = demoRunSettings(bcRun);
  const env = make(bcRun.envId) as Env<Float32Array, Float32Array>;
  const cheetah = mujocoEnvOf(env);
  const { ids, geoms } = sideViewGeoms(cheetah);
  const expert = shippedExpert(bcRun.envId);
  if (expert === undefined) throw new Error(`@irlkit/mujoco ships no expert for ${bcRun.envId}.`);
  const loadMs = since();
  post({
    type: "ready",
    backend: backend.name,
    backendFallback: backend.fallbackReason,
    preset: preset.name,
    presetBudget,
    budget: config.epochs,
    settings: Object.entries(resolved.sources).map(([key, source]) => ({
      key,
      value: settingValueText(resolved.values, key),
      source,
    })),
    geoms,
    dt: cheetah.dt,
    expertRecordReturn: expert.record.returnMean,
    elapsedMs: loadMs,
    mujocoLoadMs,
  });

  // 2. Demonstrations: `irlkit demos` (generateDemonstrations: the expert deterministic, episode
  // i reset with seed + i), with progress after each episode.
  const counter: EpisodeCounter = new EpisodeCounter(env, () =>
    post({
      type: "demonstrations",
      episodes: counter.episodes,
      total: bcRun.demonstrationEpisodes,
      steps: counter.steps,
      returnMean: counter.returnSum / counter.episodes,
      elapsedMs: since(),
    }),
  );
  const demonstrations = await generateDemonstrations(expert, counter, {
    episodes: bcRun.demonstrationEpisodes,
    seed: MUJOCO_DEMONSTRATION_SEED,
  });
  const demonstrationsMs = since() - loadMs;

  // 3. BC, the CLI's bcRounds: one epoch per round, `config.epochs` rounds.
  const bc = new BehaviourCloning({
    demonstrations: Transitions.fromTrajectories(demonstrations),
    seed: config.seed,
    config: config.bc,
  });
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const metrics = await bc.train({ epochs: 1 });
    post({
      type: "epoch",
      epoch,
      epochs: config.epochs,
      loss: metrics["bc/loss"]!,
      probTrueAction: metrics["bc/probTrueAction"]!,
      computePath: bc.computePath,
      elapsedMs: since(),
    });
  }
  const trainingMs = since() - loadMs - demonstrationsMs;

  // 4. `irlkit eval RUN --episodes 1 --seed 1000`: the policy deterministic, the anchors as
  // apps/cli/src/evaluation.ts takes them (the expert deterministic, uniform random sampled).
  const policies: { policy: PlayedPolicy; actor: Policy }[] = [
    { policy: "expert", actor: expert },
    { policy: "bc", actor: bc.policy },
    {
      policy: "random",
      actor: new UniformRandomPolicy(env.observationSpace, env.actionSpace as never),
    },
  ];
  const played: Partial<Record<PlayedPolicy, number>> = {};
  for (const { policy, actor } of policies) {
    const recorder = new SideViewRecorder(
      make(bcRun.envId) as Env<Float32Array, Float32Array>,
      ids,
    );
    const statistics = await evaluatePolicy(actor, recorder, {
      episodes: 1,
      seed: MUJOCO_EVALUATION_SEED,
      deterministic: policy !== "random",
    });
    const segments = Float32Array.from(recorder.segments);
    const torsoX = Float32Array.from(recorder.torsoX);
    const cumulativeReturn = Float32Array.from(recorder.cumulativeReturn);
    recorder.close();
    played[policy] = statistics.returnMean;
    post(
      {
        type: "episode",
        policy,
        return: statistics.returnMean,
        steps: torsoX.length - 1,
        segments,
        torsoX,
        cumulativeReturn,
        elapsedMs: since(),
      },
      [segments.buffer, torsoX.buffer, cumulativeReturn.buffer],
    );
  }
  bc.dispose();
  env.close();
  const playMs = since() - loadMs - demonstrationsMs - trainingMs;
  post({
    type: "done",
    normalisedScore: (played.bc! - played.random!) / (played.expert! - played.random!),
    phaseMs: { load: loadMs, demonstrations: demonstrationsMs, training: trainingMs, play: playMs },
    elapsedMs: since(),
  });
}

self.addEventListener("message", (event: MessageEvent<MujocoStartRequest>) => {
  run(event.data).catch((error: unknown) => {
    post({ type: "error", message: error instanceof Error ? error.message : String(error) });
  });
});
