// Installs @irlkit/mujoco alone into an empty npm project — from packed tarballs only, offline —
// and steps HalfCheetah-v5 from Node ESM. Packing needs the built packages: the test runs turbo's
// build for @irlkit/mujoco and its dependencies first (cached when nothing changed).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { make } from "@irlkit/envs";
import { afterAll, describe, expect, it } from "vitest";
import { registerMujocoEnvs } from "./registrations.js";

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(packageDirectory, "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "irlkit-mujoco-install-"));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `pnpm pack` of a workspace package (workspace:^ ranges become versions); returns the tarball. */
function packWorkspacePackage(directory: string, destination: string): string {
  const output = execFileSync("pnpm", ["pack", "--pack-destination", destination], {
    cwd: directory,
    encoding: "utf8",
  });
  const tarball = output
    .trim()
    .split("\n")
    .map((line) => line.trim())
    .reverse()
    .find((line) => line.endsWith(".tgz"));
  if (tarball === undefined) throw new Error(`pnpm pack printed no tarball:\n${output}`);
  return tarball.startsWith("/") ? tarball : join(destination, tarball);
}

/**
 * The episode the installed package and the sources both run: 1000 steps of a fixed gait. Its
 * text goes into the install project's script, so it uses only what that script has.
 */
function runEpisode(makeEnv: typeof make) {
  const env = makeEnv<Float32Array, Float32Array>("HalfCheetah-v5");
  const first = env.reset({ seed: 0 }).observation;
  let total = 0;
  let truncated = false;
  let x = 0;
  for (let t = 0; t < 1000; t++) {
    const action = Float32Array.from({ length: 6 }, (_, i) => Math.sin(0.3 * t + i));
    const step = env.step(action);
    total += step.reward;
    truncated = step.truncated;
    x = step.info.x_position as number;
  }
  env.close();
  return { observationLength: first.length, first: Array.from(first), total, truncated, x };
}

describe("installing @irlkit/mujoco from its tarball", () => {
  it("works in an empty Node ESM project and steps HalfCheetah-v5 as the sources do", async () => {
    const packages = ["core", "envs", "mujoco"].map((name) => join(root, "packages", name));
    // turbo rebuilds only what changed since the last build (a cache hit under `pnpm test`).
    execFileSync("pnpm", ["turbo", "run", "build", "--filter=@irlkit/mujoco..."], {
      cwd: root,
      encoding: "utf8",
    });
    const tarballs = join(scratch, "tarballs");
    mkdirSync(tarballs, { recursive: true });
    const packed = packages.map((directory) => packWorkspacePackage(directory, tarballs));
    // The MuJoCo build too, from the copy the workspace installed, so npm needs no registry.
    const mujocoDirectory = realpathSync(
      join(packageDirectory, "node_modules", "@mujoco", "mujoco"),
    );
    const mujocoTarball = execFileSync(
      "npm",
      ["pack", mujocoDirectory, "--pack-destination", tarballs, "--loglevel=error"],
      { cwd: scratch, encoding: "utf8" },
    ).trim();
    const project = join(scratch, "project");
    mkdirSync(project);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "scratch", private: true, type: "module" }),
    );
    execFileSync(
      "npm",
      [
        "install",
        "--offline",
        "--no-audit",
        "--no-fund",
        "--no-package-lock",
        "--loglevel=error",
        join(tarballs, mujocoTarball),
        ...packed,
      ],
      { cwd: project, encoding: "utf8" },
    );
    writeFileSync(
      join(project, "main.js"),
      `import { make } from "@irlkit/envs";\nimport { registerMujocoEnvs } from "@irlkit/mujoco";\nawait registerMujocoEnvs();\nprocess.stdout.write(JSON.stringify((${runEpisode.toString()})(make)));\n`,
    );
    const installed = JSON.parse(
      execFileSync("node", ["main.js"], { cwd: project, encoding: "utf8" }),
    ) as ReturnType<typeof runEpisode>;

    // The same episode from the sources in this process.
    await registerMujocoEnvs();
    const fromSources = runEpisode(make);
    expect(installed.observationLength).toBe(17);
    expect(installed.truncated).toBe(true);
    expect(installed).toEqual(fromSources);
    expect(Number.isFinite(installed.total)).toBe(true);
  }, 300_000); // packing, installing a 10 MB tarball and maybe a build: slow on a shared machine
});
