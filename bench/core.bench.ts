// Throughput of the seeded Rng and of Trajectory validation: the two core costs every sampler pays.
import { Box, Discrete, Rng, Trajectory } from "@irlkit/core";
import { formatNumber, median, timeRuns, writeBenchResult } from "./lib.js";

const seed = 0;
const draws = 2_000_000;
const rows: (string | number)[][] = [];

async function perSecond(label: string, count: number, fn: () => void): Promise<void> {
  const times = await timeRuns(fn, { repeats: 7, warmup: 2 });
  rows.push([label, formatNumber(count / (median(times) / 1000)), formatNumber(median(times))]);
}

const rng = new Rng(seed);
let sink = 0;
await perSecond("Rng.nextUint32", draws, () => {
  for (let i = 0; i < draws; i++) sink += rng.nextUint32();
});
await perSecond("Rng.nextDouble", draws, () => {
  for (let i = 0; i < draws; i++) sink += rng.nextDouble();
});
await perSecond("Rng.normal", draws, () => {
  for (let i = 0; i < draws; i++) sink += rng.normal();
});
const weights = [0.1, 0.2, 0.3, 0.4];
await perSecond("Rng.categorical (4 weights)", draws, () => {
  for (let i = 0; i < draws; i++) sink += rng.categorical(weights);
});

const steps = 500;
const observationSpace = new Box({ shape: [4], low: -10, high: 10 });
const actionSpace = new Discrete(2);
const observations = new Rng(seed).fillUniform(new Float32Array((steps + 1) * 4), -1, 1);
const actions = Int32Array.from({ length: steps }, (_, i) => i % 2);
const trajectories = 200;
await perSecond(`Trajectory validation (rows/s, T=${steps}, 4-d obs)`, trajectories * steps, () => {
  for (let i = 0; i < trajectories; i++) {
    new Trajectory({
      observationSpace,
      actionSpace,
      observations,
      actions,
      terminated: false,
      truncated: true,
    });
  }
});

if (sink === 42) console.log("unlikely"); // keeps the loops from being optimised away
writeBenchResult({
  name: "core",
  description:
    "Throughput of `Rng` (xoshiro128**) draws and of `Trajectory` construction with full validation (copy, finiteness, space membership). Median of 7 runs after 2 warm-up runs.",
  seeds: [seed],
  tables: [{ columns: ["operation", "per second", "median ms per run"], rows }],
});
for (const row of rows) console.log(row.join("  "));
