/**
 * The CLI's limits: IRLKIT_LIMITS overrides, the flags that size a loop or an allocation, config
 * sizes bounded through the specs, and demonstrations read with the CLI's limits.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultLimits, formatMetricLine } from "@irlkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demosCommand } from "./commands/demos.js";
import { plotCommand } from "./commands/plot.js";
import { resolveConfig } from "./configs.js";
import { readDemonstrations } from "./datasets.js";
import { CliError } from "./errors.js";
import { cliLimits, withinLimit } from "./limits.js";
import { readPolicyFile } from "./models.js";

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "irlkit-limits-"));
});

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
  delete process.env.IRLKIT_LIMITS;
});

describe("IRLKIT_LIMITS", () => {
  it("is the defaults when unset and overrides them when set", () => {
    expect(cliLimits({})).toBe(defaultLimits);
    const limits = cliLimits({ IRLKIT_LIMITS: '{"maxEpisodes": 5, "maxPlotHeight": 40}' });
    expect(limits.maxEpisodes).toBe(5);
    expect(limits.maxPlotHeight).toBe(40);
    expect(limits.maxSpaceElements).toBe(defaultLimits.maxSpaceElements);
  });

  it("names the variable and the key when it is wrong", () => {
    expect(() => cliLimits({ IRLKIT_LIMITS: '{"maxEpisode": 5}' })).toThrow(
      /^IRLKIT_LIMITS\.maxEpisode: expected one of the limits .*\(did you mean "maxEpisodes"\?\), found an unknown key\.$/,
    );
    expect(() => cliLimits({ IRLKIT_LIMITS: "maxEpisodes=5" })).toThrow(CliError);
  });
});

describe("flags that size a loop or an allocation", () => {
  it("withinLimit names the flag, the limit and the variable", () => {
    expect(withinLimit(1000, "--height", "maxPlotHeight", defaultLimits)).toBe(1000);
    expect(() => withinLimit(100_000_000, "--height", "maxPlotHeight", defaultLimits)).toThrow(
      `--height must be at most 1000 (the limit maxPlotHeight; raise it with IRLKIT_LIMITS='{"maxPlotHeight": …}'); found 100000000.`,
    );
  });

  it("demos --episodes 1000000000000000 is refused before any episode runs", async () => {
    const out = join(work, "never");
    await expect(
      demosCommand({
        env: "CartPole-v1",
        episodes: "1000000000000000",
        out,
        expert: "scripted",
        seed: "0",
      } as Parameters<typeof demosCommand>[0]),
    ).rejects.toThrow("--episodes must be at most 1000000 (the limit maxEpisodes");
  });

  it("demos --episodes whose steps would pass maxDatasetSteps is refused before any episode runs", async () => {
    await expect(
      demosCommand({
        env: "CartPole-v1",
        episodes: "500000",
        out: join(work, "never-either"),
        expert: "scripted",
        seed: "0",
      } as Parameters<typeof demosCommand>[0]),
    ).rejects.toThrow(
      "--episodes × CartPole-v1's horizon (500 steps) must be at most 100000000 (the limit maxDatasetSteps; raise it with IRLKIT_LIMITS='{\"maxDatasetSteps\": …}'); found 250000000.",
    );
  });

  it("plot --height 100000000 is refused before a chart is drawn; IRLKIT_LIMITS raises the bound", async () => {
    const run = join(work, "run");
    mkdirSync(run);
    writeFileSync(join(run, "meta.json"), "{}");
    writeFileSync(
      join(run, "metrics.jsonl"),
      `${formatMetricLine(0, { "rollout/returnMean": 1 })}\n${formatMetricLine(1, { "rollout/returnMean": 2 })}\n`,
    );
    await expect(plotCommand(run, { height: "100000000" })).rejects.toThrow(
      "--height must be at most 1000 (the limit maxPlotHeight",
    );
    process.env.IRLKIT_LIMITS = '{"maxPlotHeight": 1}';
    try {
      await expect(plotCommand(run, { height: "2" })).rejects.toThrow(
        "--height must be at most 1 (the limit maxPlotHeight",
      );
    } finally {
      delete process.env.IRLKIT_LIMITS;
    }
  });
});

describe("config sizes", () => {
  const file = (values: Record<string, unknown>) => ({ file: { path: "config.yml", values } });

  it.each([
    ["ppo", { numEnvs: 100_000_000 }, "numEnvs: expected an integer >= 1 and <= 4096"],
    [
      "ppo",
      { ppo: { policy: { hiddenSizes: [100_000, 100_000] } } },
      "ppo.policy.hiddenSizes: expected a non-empty list of integers >= 1 and <= 16384 (at most 64)",
    ],
    ["ppo", { ppo: { nSteps: 1e9 } }, "ppo.nSteps: expected an integer >= 1 and <= 16777216"],
    [
      "ppo",
      { ppo: { batchSize: 2 ** 30 } },
      "ppo.batchSize: expected an integer >= 2 and <= 16777216",
    ],
    [
      "ppo",
      { totalTimesteps: 1e15 },
      "totalTimesteps: expected an integer >= 1 and <= 10000000000",
    ],
    [
      "gail",
      { reward: { hiddenSizes: new Array(100).fill(8) } },
      "reward.hiddenSizes: expected a non-empty list of integers >= 1 and <= 16384 (at most 64)",
    ],
    [
      "airl",
      { trainer: { demoBatchSize: 1e12 } },
      "trainer.demoBatchSize: expected an integer >= 1 and <= 16777216",
    ],
    ["bc", { bc: { batchSize: 1e12 } }, "bc.batchSize: expected an integer >= 1 and <= 16777216"],
    [
      "gcl",
      { gcl: { sampleBatchSize: 1e12 } },
      "gcl.sampleBatchSize: expected an integer >= 1 and <= 16777216",
    ],
    [
      "deep-maxent",
      { hiddenSizes: [1_000_000] },
      "hiddenSizes: expected a non-empty list of integers >= 1 and <= 16384",
    ],
  ] as const)("%s %j is refused when the config is resolved", (algorithm, values, message) => {
    expect(() => resolveConfig(algorithm, file(values))).toThrow(message);
  });

  it("the defaults and large real settings still resolve", () => {
    const { values } = resolveConfig(
      "ppo",
      file({ numEnvs: 4096, ppo: { policy: { hiddenSizes: [1024, 1024] } } }),
    );
    expect((values as { numEnvs: number }).numEnvs).toBe(4096);
  });
});

describe("model files read with the CLI's limits", () => {
  it("a policy.json space beyond IRLKIT_LIMITS, and a policy.json larger than maxTextFileBytes", () => {
    const path = join(work, "policy.json");
    const document = {
      format: "irlkit.policy",
      version: 1,
      kind: "mlp",
      observationSpace: { type: "Box", dtype: "float32", shape: [64], low: "-inf", high: "inf" },
      actionSpace: { type: "Discrete", dtype: "int64", start: 0, n: 2 },
      config: {},
      parameters: [],
    };
    writeFileSync(path, JSON.stringify(document));
    process.env.IRLKIT_LIMITS = '{"maxSpaceElements": 16}';
    try {
      expect(() => readPolicyFile(path)).toThrow(
        `Cannot load the policy in ${path}: observationSpace.shape [64]: expected at most 16 numbers (the limit maxSpaceElements`,
      );
      process.env.IRLKIT_LIMITS = '{"maxTextFileBytes": 100}';
      expect(() => readPolicyFile(path)).toThrow(
        `${path}: size: expected at most 100 bytes (the limit maxTextFileBytes`,
      );
    } finally {
      delete process.env.IRLKIT_LIMITS;
    }
  });
});

describe("demonstrations read with the CLI's limits", () => {
  it("a JSON-lines header space beyond IRLKIT_LIMITS is refused with the file and the field", async () => {
    const path = join(work, "demos.jsonl");
    const header = {
      format: "irlkit.trajectories",
      version: 1,
      observation_space: { type: "Box", dtype: "float32", shape: [64], low: "-inf", high: "inf" },
      action_space: { type: "Discrete", dtype: "int64", start: 0, n: 2 },
      total_episodes: 0,
    };
    writeFileSync(path, `${JSON.stringify(header)}\n`);
    process.env.IRLKIT_LIMITS = '{"maxSpaceElements": 16}';
    try {
      await expect(readDemonstrations(path)).rejects.toThrow(
        `Malformed demonstration dataset ${path}: ${path}: header.observation_space.shape [64]: expected at most 16 numbers (the limit maxSpaceElements`,
      );
    } finally {
      delete process.env.IRLKIT_LIMITS;
    }
  });
});
