/**
 * `irlkit sweep export`: the Slurm array script and the Kubernetes manifest of a fixed spec match
 * golden files (golden/ppo-seeds.slurm.sh, golden/ppo-seeds.kubernetes.yaml; after an intended
 * change, review the diff and update them with `pnpm vitest run apps/cli/src/sweeps/export.test.ts -u`).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { kubernetesManifest, slurmScript } from "./export.js";
import { expandSweep } from "./spec.js";
import { readSweepSpec } from "./spec-schema.js";

// preset: false, so the golden files (which list the run ids) do not change when a preset is retuned.
const SPEC =
  "name: ppo-seeds\nalgorithms: [ppo]\nenvs: [CartPole-v1]\nseeds: [0, 1, 2]\nsteps: 4096\npreset: false\nset: {checkpointEvery: 1}\n";

function sweep() {
  const path = join(mkdtempSync(join(tmpdir(), "irlkit-sweep-export-")), "ppo-seeds.yaml");
  writeFileSync(path, SPEC);
  return expandSweep(readSweepSpec(path), path);
}

describe("irlkit sweep export", () => {
  it("writes a Slurm array script: one task per run, retrying all but permanent failures", async () => {
    const script = slurmScript({
      sweep: sweep(),
      specPath: "/shared/specs/ppo-seeds.yaml",
      directory: "/shared/sweeps/ppo-seeds",
      parallelism: 2,
      attempts: 3,
      cpus: 1,
      memory: "4G",
      time: "01:00:00",
    });
    expect(script).toContain("#SBATCH --array=0-2%2\n");
    await expect(script).toMatchFileSnapshot("golden/ppo-seeds.slurm.sh");
  });

  it("writes a Kubernetes ConfigMap and Indexed Job: one index per run, exit 1 fails the index", async () => {
    const manifest = kubernetesManifest({
      sweep: sweep(),
      specPath: "/unused",
      directory: "/sweeps/ppo-seeds",
      attempts: 3,
      cpus: 1,
      memory: "4Gi",
      specText: SPEC,
      image: "registry.example/irlkit:0.0.0",
      volumeClaim: "irlkit-sweeps",
    });
    const [configMap, job] = parseAllDocuments(manifest).map((document) => document.toJS());
    expect(configMap.data["spec.yaml"]).toBe(SPEC);
    expect(job.spec).toMatchObject({
      completionMode: "Indexed",
      completions: 3,
      parallelism: 3,
      backoffLimitPerIndex: 2,
    });
    expect(job.spec.podFailurePolicy.rules[0]).toEqual({
      action: "FailIndex",
      onExitCodes: { containerName: "irlkit", operator: "In", values: [1] },
    });
    expect(job.spec.template.spec.containers[0].command).toEqual([
      "irlkit",
      "sweep",
      "run-one",
      "/etc/irlkit/spec.yaml",
      "--dir",
      "/sweeps/ppo-seeds",
    ]);
    await expect(manifest).toMatchFileSnapshot("golden/ppo-seeds.kubernetes.yaml");
  });
});
