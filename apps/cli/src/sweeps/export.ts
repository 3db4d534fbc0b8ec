/**
 * `irlkit sweep export --slurm | --kubernetes SPEC`: the same sweep as a Slurm job array or a
 * Kubernetes Indexed Job. Export only: irlkit writes the script or manifest, the cluster's own
 * scheduler runs it. Each array task / index runs `irlkit sweep run-one SPEC --index I` (the index
 * from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX), which skips a completed run and resumes an
 * interrupted one, so a retried or requeued task continues from its checkpoint. Exit 1 is a
 * permanent failure (not retried: the Slurm script stops, the Job's podFailurePolicy fails the
 * index); any other failure is retried up to `--attempts` times.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { CliError } from "../errors.js";
import { parseInteger } from "../options.js";
import { type ExpandedSweep, loadSweep } from "./spec.js";

export interface ExportOptions {
  sweep: ExpandedSweep;
  /** The spec's path as the cluster's nodes see it (Slurm). */
  specPath: string;
  /** The sweep directory on the shared filesystem. */
  directory: string;
  /** Runs at once (Slurm's %N throttle, the Job's parallelism); default all. */
  parallelism?: number;
  attempts: number;
  cpus: number;
  memory: string;
}

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

function runIndex(sweep: ExpandedSweep): string[] {
  return sweep.runs.map(
    (run, index) => `#   ${index}: ${run.id}  ${run.algorithm} ${run.env} seed ${run.seed}`,
  );
}

export function slurmScript(options: ExportOptions & { time: string }): string {
  const { sweep } = options;
  const last = sweep.runs.length - 1;
  const throttle = options.parallelism === undefined ? "" : `%${options.parallelism}`;
  return `${[
    "#!/bin/bash",
    `# irlkit sweep ${sweep.name}: ${sweep.runs.length} runs as a Slurm job array, written by`,
    "# `irlkit sweep export --slurm` (write it again after changing the spec: indices follow the spec).",
    "# Submit with: sbatch THIS_FILE. The spec and the sweep directory must be on a filesystem every",
    "# node sees at the same path; results: irlkit sweep report DIR.",
    `#SBATCH --job-name=irlkit-${sweep.name}`,
    `#SBATCH --array=0-${last}${throttle}`,
    "#SBATCH --ntasks=1",
    `#SBATCH --cpus-per-task=${options.cpus}`,
    `#SBATCH --mem=${options.memory}`,
    `#SBATCH --time=${options.time}`,
    `#SBATCH --output=irlkit-${sweep.name}-%A_%a.out`,
    "#SBATCH --requeue",
    "#",
    "# Index → run:",
    ...runIndex(sweep),
    "set -u",
    `spec=${shellQuote(options.specPath)}`,
    `directory=${shellQuote(options.directory)}`,
    `attempts=${options.attempts}`,
    'for attempt in $(seq 1 "$attempts"); do',
    '  irlkit sweep run-one "$spec" --dir "$directory" --index "$SLURM_ARRAY_TASK_ID"',
    "  code=$?",
    "  # 0: done (or complete before). 1: permanent (a bad setting, a missing file, a diverged run).",
    '  if [ "$code" -eq 0 ] || [ "$code" -eq 1 ]; then exit "$code"; fi',
    '  echo "irlkit: run $SLURM_ARRAY_TASK_ID, attempt $attempt of $attempts, exit $code; trying again from its checkpoint" >&2',
    "  sleep $((attempt * 10))",
    "done",
    'exit "$code"',
  ].join("\n")}\n`;
}

/** A DNS-1123 name (lowercase letters, digits, '-', at most 63 characters). */
function kubernetesName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  if (name === "") throw new CliError(`Cannot make a Kubernetes name from "${text}".`);
  return name;
}

/**
 * A ConfigMap with the spec and an Indexed Job: one index per run, the sweep directory on a
 * PersistentVolumeClaim every pod mounts at `/sweeps`.
 */
export function kubernetesManifest(
  options: ExportOptions & { specText: string; image: string; volumeClaim: string },
): string {
  const { sweep } = options;
  const name = kubernetesName(`irlkit-sweep-${sweep.name}`);
  const labels = { "app.kubernetes.io/name": "irlkit", "app.kubernetes.io/instance": name };
  const directory = options.directory;
  const configMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, labels },
    data: { "spec.yaml": options.specText },
  };
  const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, labels },
    spec: {
      completionMode: "Indexed",
      completions: sweep.runs.length,
      parallelism: options.parallelism ?? sweep.runs.length,
      // Retries per index (Kubernetes ≥ 1.29): a run's retry resumes from its checkpoint.
      backoffLimitPerIndex: options.attempts - 1,
      maxFailedIndexes: sweep.runs.length,
      podFailurePolicy: {
        rules: [
          // Exit 1 is permanent: a bad setting, a missing file, a diverged run.
          {
            action: "FailIndex",
            onExitCodes: { containerName: "irlkit", operator: "In", values: [1] },
          },
          // A pod evicted or preempted is not the run's fault: retried without counting.
          { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] },
        ],
      },
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "irlkit",
              image: options.image,
              // JOB_COMPLETION_INDEX (set by Kubernetes for Indexed Jobs) picks the run.
              command: ["irlkit", "sweep", "run-one", "/etc/irlkit/spec.yaml", "--dir", directory],
              resources: {
                requests: { cpu: String(options.cpus), memory: options.memory },
                limits: { memory: options.memory },
              },
              volumeMounts: [
                { name: "sweeps", mountPath: "/sweeps" },
                { name: "spec", mountPath: "/etc/irlkit", readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: "sweeps", persistentVolumeClaim: { claimName: options.volumeClaim } },
            { name: "spec", configMap: { name } },
          ],
        },
      },
    },
  };
  const header = [
    `# irlkit sweep ${sweep.name}: ${sweep.runs.length} runs as a Kubernetes Indexed Job, written by`,
    "# `irlkit sweep export --kubernetes` (write it again after changing the spec: indices follow the",
    `# spec). Apply with: kubectl apply -f THIS_FILE. Results land in ${directory} on the volume`,
    `# claim ${options.volumeClaim}; read them with irlkit sweep report.`,
    "# Index → run:",
    ...runIndex(sweep),
  ];
  return `${header.join("\n")}\n${stringify(configMap, { lineWidth: 0, aliasDuplicateObjects: false })}---\n${stringify(job, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

export function exportCommand(
  spec: string,
  options: Record<string, string | boolean | undefined>,
): void {
  if (!options.slurm && !options.kubernetes) {
    throw new CliError("Say which: irlkit sweep export SPEC --slurm, or --kubernetes.");
  }
  const text = (key: string, fallback: string) =>
    typeof options[key] === "string" ? (options[key] as string) : fallback;
  const kubernetes = options.kubernetes === true;
  // Slurm: the sweep directory as every node sees it; Kubernetes: inside the pods' /sweeps volume.
  const { sweep, directory } = loadSweep(
    spec,
    typeof options.dir === "string" ? options.dir : undefined,
  );
  const common: ExportOptions = {
    sweep,
    specPath: sweep.specPath,
    directory: kubernetes ? text("dir", `/sweeps/${sweep.name}`) : directory,
    attempts: parseInteger(text("attempts", "3"), "--attempts", 1),
    cpus: parseInteger(text("cpus", "1"), "--cpus", 1),
    memory: text("memory", kubernetes ? "4Gi" : "4G"),
    ...(typeof options.parallelism === "string"
      ? { parallelism: parseInteger(options.parallelism, "--parallelism", 1) }
      : {}),
  };
  const output = kubernetes
    ? kubernetesManifest({
        ...common,
        specText: readFileSync(sweep.specPath, "utf8"),
        image: text("image", "irlkit:latest"),
        volumeClaim: text("volumeClaim", "irlkit-sweeps"),
      })
    : slurmScript({ ...common, time: text("time", "04:00:00") });
  if (typeof options.out === "string") writeFileSync(options.out, output);
  else process.stdout.write(output);
}
