/**
 * Behaviour cloning from scripted experts (issue 5): CartPole-v1 from 10 expert episodes (goal:
 * deterministic policy's mean return >= 475) and Pendulum-v1 from 50 expert episodes (reported
 * against the expert and a random policy). imitation's BC defaults (batch 32, ent_weight 1e-3,
 * l2_weight 0, Adam lr 1e-3, a 32-32 tanh policy), `BC_EPOCHS` epochs (default 20), 3 seeds. The
 * demonstrations come from the scripted experts of @irlkit/envs with episode seeds 0..n−1; the
 * evaluation uses 20 fresh episodes (seeds 10_000 + i) for the expert, the clone (deterministic:
 * the most likely action / the mean) and a uniformly random policy.
 *
 * Run: `pnpm bench bc` from the repository root.
 */
import { type Policy, Rng, Trajectory, Transitions } from "@irlkit/core";
import { CartPoleExpert, make, PendulumExpert } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { BehaviourCloning } from "@irlkit/rl";
import { formatNumber, writeBenchResult } from "./lib.js";

const EPOCHS = Number(process.env.BC_EPOCHS ?? 20);
const SEEDS = [0, 1, 2];
const EVAL_EPISODES = 20;
const info = await initBackend();

interface Task {
  id: string;
  episodes: number;
  expert: Policy;
  goal: number | undefined;
}

const tasks: Task[] = [
  { id: "CartPole-v1", episodes: 10, expert: new CartPoleExpert(), goal: 475 },
  { id: "Pendulum-v1", episodes: 50, expert: new PendulumExpert(), goal: undefined },
];

/** Expert episodes with seeds 0..episodes−1. */
async function demonstrations(task: Task): Promise<Transitions> {
  const env = make<Float32Array, unknown>(task.id);
  const rng = new Rng(0);
  const trajectories: Trajectory[] = [];
  for (let episode = 0; episode < task.episodes; episode++) {
    let { observation } = env.reset({ seed: episode });
    const observations = [observation];
    const actions: number[][] = [];
    for (;;) {
      const action = await task.expert.act(observation, rng);
      const step = env.step(env.actionSpace.kind === "Discrete" ? action[0]! : action);
      observations.push(step.observation);
      actions.push(Array.from(action));
      observation = step.observation;
      if (step.terminated || step.truncated) {
        trajectories.push(
          new Trajectory({
            observationSpace: env.observationSpace,
            actionSpace: env.actionSpace,
            observations,
            actions: env.actionSpace.kind === "Discrete" ? actions.map((a) => a[0]!) : actions,
            terminated: step.terminated,
            truncated: step.truncated,
          }),
        );
        break;
      }
    }
  }
  return Transitions.fromTrajectories(trajectories);
}

/** Mean return over `EVAL_EPISODES` fresh episodes; `policy` undefined = uniformly random actions. */
async function evaluate(id: string, policy: Policy | undefined): Promise<number> {
  const env = make<Float32Array, unknown>(id);
  const rng = new Rng(1);
  let total = 0;
  for (let episode = 0; episode < EVAL_EPISODES; episode++) {
    let { observation } = env.reset({ seed: 10_000 + episode });
    for (;;) {
      const action =
        policy === undefined
          ? env.actionSpace.sample(rng)
          : await policy.act(observation, rng, { deterministic: true });
      const step = env.step(
        typeof action !== "number" && env.actionSpace.kind === "Discrete" ? action[0]! : action,
      );
      total += step.reward;
      observation = step.observation;
      if (step.terminated || step.truncated) break;
    }
  }
  return total / EVAL_EPISODES;
}

const rows: (string | number)[][] = [];
const runs: Record<string, unknown>[] = [];
for (const task of tasks) {
  const data = await demonstrations(task);
  const expertReturn = await evaluate(task.id, task.expert);
  const randomReturn = await evaluate(task.id, undefined);
  for (const seed of SEEDS) {
    const bc = new BehaviourCloning({ demonstrations: data, seed });
    const started = performance.now();
    const metrics = await bc.train({ epochs: EPOCHS });
    const seconds = (performance.now() - started) / 1000;
    const cloneReturn = await evaluate(task.id, bc.policy);
    const normalised = (cloneReturn - randomReturn) / (expertReturn - randomReturn);
    const row = [
      task.id,
      seed,
      task.episodes,
      data.count,
      bc.batches,
      formatNumber(seconds),
      formatNumber(metrics["bc/negLogProb"]!),
      formatNumber(cloneReturn),
      formatNumber(expertReturn),
      formatNumber(randomReturn),
      formatNumber(normalised),
      task.goal === undefined ? "–" : cloneReturn >= task.goal ? "yes" : "no",
    ];
    rows.push(row);
    console.log(row.join("  "));
    runs.push({ task: task.id, seed, metrics, seconds, cloneReturn, expertReturn, randomReturn });
    bc.dispose();
  }
}

writeBenchResult({
  environmentPrefix: "BC_",
  name: "bc",
  description: `Behaviour cloning (irlkit \`BehaviourCloning\`, imitation's defaults: batch 32, ent_weight 1e-3, l2_weight 0, Adam lr 1e-3, 32-32 tanh MLP policy) for ${EPOCHS} epochs on scripted-expert demonstrations: CartPole-v1 from 10 episodes (goal: clone's mean return >= 475) and Pendulum-v1 from 50 episodes. Returns are means over ${EVAL_EPISODES} fresh episodes (seeds 10000+); the clone acts deterministically. Normalised score = (clone − random) / (expert − random). One core, ${info.name} backend.`,
  seeds: SEEDS,
  tables: [
    {
      title: "Behaviour cloning from scripted experts",
      columns: [
        "env",
        "seed",
        "expert episodes",
        "transitions",
        "gradient steps",
        "train s",
        "final −log π",
        "clone return",
        "expert return",
        "random return",
        "normalised",
        "goal met",
      ],
      rows,
    },
  ],
  details: { backend: info.name, epochs: EPOCHS, runs },
});
