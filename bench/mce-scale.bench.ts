// Scale benchmark for exact MaxEnt IRL (issue 18, target 2; decision 0015): one maximum-causal-
// entropy gradient step — the soft value iteration backward pass plus the occupancy forward pass —
// on a 128×128 gridworld (16,384 states, 4 actions, slip 0.3) with horizon 256, timed against the
// straightforward sparse loop of bench/mce-reference.ts in the same process, interleaved run by
// run. Goal: under 100 ms on one core and ≥ 7× the reference, with the same numbers to 1e-9
// relative. Run pinned: `taskset -c 0 pnpm bench mce-scale` (MCE_SCALE_REPEATS sets the runs).
import { availableParallelism, loadavg } from "node:os";
import { GridWorld } from "@irlkit/envs";
import {
  maxCausalEntropyOccupancy,
  occupancyMeasure,
  PlannerWorkspace,
  plannerKernelAvailable,
  setPlannerKernels,
  softValueIteration,
} from "@irlkit/rl";
import { formatNumber, median, writeBenchResult } from "./lib.js";
import { type ReferenceStep, referenceMceStep } from "./mce-reference.js";

const size = 128;
const horizon = 256;
const repeats = Number(process.env.MCE_SCALE_REPEATS ?? 7);
const loadAtStart = loadavg();
const buildStart = performance.now();
const world = new GridWorld({ size, slip: 0.3, horizon, features: "coordinates" });
const buildMs = performance.now() - buildStart;
const mdp = world.mdp;
const reward = mdp.reward!;
if (!plannerKernelAvailable()) throw new Error("mce-scale: this Node cannot compile wasm SIMD.");

// The step as MceIrlTrainer runs it: both passes in one PlannerWorkspace (WebAssembly SIMD).
const workspace = new PlannerWorkspace();
function workspaceStep() {
  const soft = softValueIteration(mdp, reward, {
    horizon,
    discount: 1,
    keepQValues: false,
    workspace,
  });
  const occupancy = occupancyMeasure(mdp, soft.policy, { horizon, discount: 1, workspace });
  return { values: soft.values, policy: soft.policy, ...occupancy };
}
// The step as MceIrlTrainer runs it: the occupancy alone (what the gradient needs), planned only
// where the corner start reaches in t steps, in a workspace of its own.
const trainerWorkspace = new PlannerWorkspace();
function trainerStep() {
  return maxCausalEntropyOccupancy(mdp, reward, {
    horizon,
    discount: 1,
    workspace: trainerWorkspace,
  });
}
// The planners without a workspace (fresh arrays each call): the kernel with its results copied
// out (the default), or the JavaScript sweeps.
function plainStep() {
  const soft = softValueIteration(mdp, reward, { horizon, discount: 1, keepQValues: false });
  const occupancy = occupancyMeasure(mdp, soft.policy, { horizon, discount: 1 });
  return { values: soft.values, policy: soft.policy, ...occupancy };
}
function javascriptStep() {
  setPlannerKernels("javascript");
  try {
    return plainStep();
  } finally {
    setPlannerKernels("wasm");
  }
}

/** Largest |a − b| / max(|a|, |b|) over entries above 1e-300 (NaN if any is NaN). */
function largestRelativeDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Number.NaN;
  let largest = 0;
  for (let i = 0; i < a.length; i++) {
    const difference = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(difference)) return Number.NaN;
    const scale = Math.max(Math.abs(a[i]!), Math.abs(b[i]!));
    if (scale > 1e-300) largest = Math.max(largest, difference / scale);
  }
  return largest;
}

// 1. Same numbers: each fast path against the reference, every array.
const reference = referenceMceStep(mdp, reward, horizon);
const agreement: Record<string, Record<string, number>> = {};
for (const [name, step] of [
  ["workspace", workspaceStep],
  ["plain", plainStep],
  ["javascript", javascriptStep],
] as const) {
  const result = step();
  const differences: Record<string, number> = {};
  for (const key of ["values", "policy", "perStep", "total"] as const) {
    differences[key] = largestRelativeDifference(result[key], reference[key]);
    if (!(differences[key]! < 1e-9)) {
      throw new Error(
        `mce-scale: ${name} ${key} differs from the reference by ${differences[key]}`,
      );
    }
  }
  agreement[name] = differences;
}
{
  const result = trainerStep();
  const differences: Record<string, number> = {};
  for (const key of ["perStep", "total"] as const) {
    differences[key] = largestRelativeDifference(result[key], reference[key]);
    if (!(differences[key]! < 1e-9)) {
      throw new Error(
        `mce-scale: trainer ${key} differs from the reference by ${differences[key]}`,
      );
    }
  }
  // The pruned step equals the full-table kernel's occupancy bit for bit.
  const full = workspaceStep();
  const identical = full.perStep.every((x, i) => Object.is(x, result.perStep[i]));
  if (!identical) throw new Error("mce-scale: the trainer step's occupancy is not the full step's");
  agreement.trainer = differences;
}

// 2. Timing, interleaved: one run of each per round, one warm-up round, then `repeats` rounds.
const preallocated: ReferenceStep = referenceMceStep(mdp, reward, horizon);
const variants = {
  reference: () => referenceMceStep(mdp, reward, horizon),
  referencePreallocated: () => referenceMceStep(mdp, reward, horizon, preallocated),
  javascript: javascriptStep,
  plain: plainStep,
  workspace: workspaceStep,
  trainer: trainerStep,
};
const times: Record<keyof typeof variants, number[]> = {
  reference: [],
  referencePreallocated: [],
  javascript: [],
  plain: [],
  workspace: [],
  trainer: [],
};
// CPU time of this process (user + system) beside the wall time: on a machine shared with other
// work, the wall time also counts the moments the core ran something else.
const cpuTimes: Record<keyof typeof variants, number[]> = {
  reference: [],
  referencePreallocated: [],
  javascript: [],
  plain: [],
  workspace: [],
  trainer: [],
};
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const backwardMs: number[] = [];
for (let round = 0; round <= repeats; round++) {
  for (const [name, run] of Object.entries(variants) as [keyof typeof variants, () => unknown][]) {
    const cpuStart = cpuMs();
    const start = performance.now();
    run();
    if (round > 0) {
      times[name].push(performance.now() - start);
      cpuTimes[name].push(cpuMs() - cpuStart);
    }
  }
  const start = performance.now();
  softValueIteration(mdp, reward, { horizon, discount: 1, keepQValues: false, workspace });
  if (round > 0) backwardMs.push(performance.now() - start);
}

const medians = Object.fromEntries(
  Object.entries(times).map(([name, list]) => [name, median(list)]),
) as Record<keyof typeof variants, number>;
const cpuMedians = Object.fromEntries(
  Object.entries(cpuTimes).map(([name, list]) => [name, median(list)]),
) as Record<keyof typeof variants, number>;
const speedUp = medians.reference / medians.trainer;
const cpuSpeedUp = cpuMedians.reference / cpuMedians.trainer;
const goalMet = medians.trainer < 100 && speedUp >= 7;
const fullSpeedUp = medians.reference / medians.workspace;
const problem = `${size}×${size} grid (${mdp.stateCount} states, ${mdp.actionCount} actions, ${mdp.nextStates.length} transitions), H = ${horizon}`;
const rows = (
  [
    ["reference: straightforward sparse loop (bench/mce-reference.ts)", "reference"],
    ["reference, outputs preallocated (no page faults)", "referencePreallocated"],
    ["softValueIteration + occupancyMeasure, JavaScript sweeps", "javascript"],
    ["the same, default: wasm SIMD kernel, results copied out", "plain"],
    ["the same with a PlannerWorkspace (wasm SIMD): every (t, s)", "workspace"],
    ["maxCausalEntropyOccupancy in a workspace, as MceIrlTrainer: reached (t, s) only", "trainer"],
  ] as const
).map(([label, name]) => [
  label,
  formatNumber(medians[name]),
  `${formatNumber(medians.reference / medians[name])}×`,
  formatNumber(cpuMedians[name]),
  `${formatNumber(cpuMedians.reference / cpuMedians[name])}×`,
]);
const cores = availableParallelism();
const load = loadavg().map((x) => formatNumber(x, 2));
writeBenchResult({
  name: "mce-scale",
  description: `One exact MCE IRL gradient step (soft value iteration, policy kept and Q-values not, then the state occupancy, float64) on ${problem}, each variant timed in the same process, interleaved, median of ${repeats} rounds after a warm-up round, ${cores === 1 ? "pinned to one core (taskset -c 0)" : `on ${cores} cores (not pinned: run with taskset -c 0)`}, machine load average ${load.join(" / ")} at the end (1 / 5 / 15 min; ${formatNumber(loadAtStart[0]!, 2)} at the start; other agents shared the 2 cores). Every variant's values, policy, per-step and total occupancy agree with the reference to ${formatNumber(Math.max(...Object.values(agreement).flatMap((d) => Object.values(d))), 2)} relative (required: 1e-9; the trainer's step returns the occupancy only, bit for bit the full workspace step's). Goal (< 100 ms and ≥ 7× the reference): ${goalMet ? "met" : "not met"} — the step as MceIrlTrainer runs it (maxCausalEntropyOccupancy: only the (t, s) the corner start reaches in t steps are planned, half of them here; D_t is exactly 0 elsewhere) takes ${formatNumber(medians.trainer)} ms, ${formatNumber(speedUp)}× the reference; in CPU time of the process (process.cpuUsage, which leaves out the moments the core ran other work) ${formatNumber(cpuMedians.trainer)} ms, ${formatNumber(cpuSpeedUp)}×. Planning every (t, s) (values and policy everywhere, e.g. a uniform start) takes ${formatNumber(medians.workspace)} ms, ${formatNumber(fullSpeedUp)}× (its backward pass alone ${formatNumber(median(backwardMs))} ms). The reference allocates its 200 MB of outputs each call as straightforward code does; first-touch page faults are part of its time, and the preallocated row shows them removed. See docs/decisions/0015-fast-exact-planners.md.`,
  seeds: [],
  tables: [
    {
      title: problem,
      columns: ["step", "ms (median)", "speed-up vs reference", "CPU ms (median)", "CPU speed-up"],
      rows,
    },
  ],
  details: {
    repeats,
    cores,
    buildMs,
    loadAverage: loadavg(),
    loadAverageAtStart: loadAtStart,
    workspaceBackwardMs: median(backwardMs),
    fullStepGoalMet: medians.workspace < 100 && fullSpeedUp >= 7,
    agreement,
    runsMs: times,
    cpuRunsMs: cpuTimes,
  },
  environmentPrefix: "MCE_SCALE_",
});
for (const row of rows) console.log(row.join("  |  "));
console.log(`goal ${goalMet ? "met" : "not met"}; agreement ${JSON.stringify(agreement)}`);
