// Linear MaxEnt IRL vs Deep MaxEnt IRL on a 32×32 ObjectWorld, whose reward is nonlinear in the
// features (Levine et al. 2011; the comparison of Wulfmeier et al. 2015, Fig. 3): expected value
// difference against the number of demonstrations, over several seeds. Every cell is the built CLI
// run as a user runs it (the commands are printed beside the table in bench/RESULTS.md):
//
//   irlkit demos --env ObjectWorld32x32-v0 --env-kwargs '{layoutSeed: S, features: F}' --episodes N --seed S --out D
//   irlkit train maxent|deep-maxent --env ObjectWorld32x32-v0 --env-kwargs '{…}' --demos D --seed S
//   irlkit eval RUN --json        # its expectedValueDifference
//
// The env's presets (apps/cli/presets/maxent.yml, deep-maxent.yml) set 200 iterations. Each seed
// has its own object layout (layoutSeed = seed), demonstrations (the optimal policy for the true
// reward, sampled with the seed) and network initialisation.
//
// Run: `pnpm build && pnpm bench maxent-objectworld`. Environment variables:
//   OBJECTWORLD_SEEDS          comma-separated seeds (default 0,1,2)
//   OBJECTWORLD_DEMOS          comma-separated demonstration counts (default 8,16,32,64,128)
//   OBJECTWORLD_NAME           result name: bench/results/<name>.json (default "maxent-objectworld")
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatNumber, runBuiltCli, writeBenchResult } from "./lib.js";

const ENV = "ObjectWorld32x32-v0";
const list = (name: string, fallback: number[]) =>
  process.env[name]
    ?.split(",")
    .filter((x) => x.length > 0)
    .map(Number) ?? fallback;
const seeds = list("OBJECTWORLD_SEEDS", [0, 1, 2]);
const demonstrationCounts = list("OBJECTWORLD_DEMOS", [8, 16, 32, 64, 128]);
const featureSets = ["continuous", "discrete"] as const;
const algorithms = ["maxent", "deep-maxent"] as const;

const work = mkdtempSync(join(tmpdir(), "irlkit-objectworld-"));
const irlkit = runBuiltCli;

const quote = (text: string) => (/^[\w./:=-]+$/.test(text) ? text : `'${text}'`);

interface Cell {
  features: string;
  demonstrations: number;
  valueDifference: Record<(typeof algorithms)[number], number[]>;
  trainSeconds: Record<(typeof algorithms)[number], number[]>;
}
const cells: Cell[] = [];
const commands: string[] = [];
const started = performance.now();

try {
  for (const seed of seeds) {
    for (const features of featureSets) {
      const kwargs = `{layoutSeed: ${seed}, features: ${features}}`;
      for (const count of demonstrationCounts) {
        let cell = cells.find((c) => c.features === features && c.demonstrations === count);
        if (cell === undefined) {
          cell = {
            features,
            demonstrations: count,
            valueDifference: { maxent: [], "deep-maxent": [] },
            trainSeconds: { maxent: [], "deep-maxent": [] },
          };
          cells.push(cell);
        }
        const demos = join(work, `demos-${seed}-${features}-${count}`);
        const demoArgs = ["demos", "--env", ENV, "--env-kwargs", kwargs];
        demoArgs.push("--episodes", String(count), "--seed", String(seed), "--out", demos);
        irlkit(demoArgs);
        for (const algorithm of algorithms) {
          const runs = join(work, `runs-${seed}-${features}-${count}`);
          const trainArgs = ["train", algorithm, "--env", ENV, "--env-kwargs", kwargs];
          trainArgs.push("--demos", demos, "--seed", String(seed), "--out", runs, "--json");
          const summary = JSON.parse(irlkit(trainArgs)) as { run: string; seconds: number };
          const evaluation = JSON.parse(irlkit(["eval", summary.run, "--json"])) as {
            expectedValueDifference: number;
          };
          cell.valueDifference[algorithm].push(evaluation.expectedValueDifference);
          cell.trainSeconds[algorithm].push(summary.seconds);
          if (seed === seeds[0] && count === demonstrationCounts[0]) {
            commands.push(
              [
                `irlkit ${demoArgs.map(quote).join(" ")}`.replace(demos, "DEMOS"),
                `irlkit ${trainArgs.map(quote).join(" ")}`
                  .replace(demos, "DEMOS")
                  .replace(runs, "runs"),
                "irlkit eval RUN --json  # expectedValueDifference",
              ].join(" && "),
            );
          }
          console.log(
            `seed ${seed} ${features} N=${count} ${algorithm}: EVD ${evaluation.expectedValueDifference.toFixed(3)} (${summary.seconds.toFixed(1)} s)`,
          );
          rmSync(runs, { recursive: true, force: true });
        }
        rmSync(demos, { recursive: true, force: true });
      }
    }
  }
} finally {
  if (readdirSync(work).length === 0) rmSync(work, { recursive: true, force: true });
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const std = (values: number[]) => Math.sqrt(mean(values.map((v) => (v - mean(values)) ** 2)));
const cell = (values: number[]) =>
  `${formatNumber(mean(values))} ± ${formatNumber(std(values), 2)}`;
writeBenchResult({
  name: process.env.OBJECTWORLD_NAME ?? "maxent-objectworld",
  description: `Expected value difference (lower is better; γ = 1 over H = 32; \`irlkit eval RUN\`) of the greedy policy for the learned reward on ${ENV} (32×32, 2 colours, 64 objects, slip 0.3), mean ± std over ${seeds.length} seeds (each seed: its own object layout \`layoutSeed\`, demonstrations and network initialisation). Demonstrations: \`irlkit demos\` (the optimal policy for the true reward). Both algorithms run their presets (200 Adam iterations): linear MaxEnt (Ziebart 2008 backward pass, lr 1e-2) and Deep MaxEnt (MLP 32-32 relu, causal backward pass, lr 1e-2, weight decay 1e-3). Commands for seed ${seeds[0]} and N = ${demonstrationCounts[0]}; the other cells change --env-kwargs' layoutSeed and features, --episodes and --seed.`,
  seeds,
  tables: featureSets.map((features, index) => ({
    title: `${features} features`,
    columns: ["demonstrations", "linear MaxEnt EVD", "Deep MaxEnt EVD"],
    rows: cells
      .filter((c) => c.features === features)
      .map((c) => [
        c.demonstrations,
        cell(c.valueDifference.maxent),
        cell(c.valueDifference["deep-maxent"]),
      ]),
    ...(commands[index * algorithms.length] === undefined
      ? {}
      : { commands: commands.slice(index * algorithms.length, (index + 1) * algorithms.length) }),
  })),
  details: {
    wallSeconds: (performance.now() - started) / 1000,
    cells: cells.map((c) => ({
      features: c.features,
      demonstrations: c.demonstrations,
      valueDifference: c.valueDifference,
      trainSeconds: c.trainSeconds,
    })),
  },
  environmentPrefix: "OBJECTWORLD_",
});
