/**
 * Makes sure the system packages the test suite needs are on this machine before `pnpm test` runs,
 * so the README's test command is all the set-up a fresh Debian machine needs (requirements.ts lists
 * them). What is missing is installed with apt-get when that is possible (root, or password-less
 * sudo); when it is not, the message says exactly which command to run, and a missing required
 * package fails the test command. `IRLKIT_NO_SYSTEM_INSTALL=1` checks without installing.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { SystemRequirement } from "./requirements.js";

/** Runs one command with the installer's prefix (e.g. sudo); true when it succeeded. */
export type CommandRunner = (command: readonly string[]) => boolean;

export interface EnsureResult {
  readonly ok: boolean;
  readonly messages: readonly string[];
}

export function installCommand(packages: readonly string[]): string {
  return `sudo apt-get update && sudo apt-get install -y ${packages.join(" ")}`;
}

/**
 * Checks each requirement, installs the missing ones through `run` when it is given, and says what
 * is still missing. Pure apart from what `run` and the checks do.
 */
export function ensureRequirements(
  requirements: readonly SystemRequirement[],
  run: CommandRunner | undefined,
): EnsureResult {
  const missing = requirements.filter((requirement) => !requirement.check());
  const messages: string[] = [];
  if (missing.length === 0) return { ok: true, messages };
  if (run !== undefined) {
    const packages = missing.flatMap((requirement) => requirement.debianPackages);
    messages.push(`system-deps: installing ${packages.join(", ")} with apt-get`);
    // A lock held by another apt process is waited for rather than failed on.
    const lockTimeout = ["-o", "DPkg::Lock::Timeout=300"];
    run(["apt-get", ...lockTimeout, "update", "-qq"]);
    for (const requirement of missing) {
      run(["apt-get", ...lockTimeout, "install", "-y", "-qq", ...requirement.debianPackages]);
    }
  }
  let ok = true;
  for (const requirement of missing) {
    if (run !== undefined && requirement.check()) continue;
    const command = installCommand(requirement.debianPackages);
    if (requirement.required) {
      ok = false;
      const why =
        run === undefined
          ? "cannot be installed from here (that needs apt-get and root or password-less sudo)"
          : "could not be installed";
      messages.push(
        `system-deps: ${requirement.neededBy} need ${requirement.description}, which is not installed and ${why}.\n  Run: ${command}\n  then rerun: pnpm test`,
      );
    } else {
      messages.push(
        `system-deps: note: ${requirement.description} is missing, so ${requirement.neededBy} run in their reduced form (their names say NOT RUN). To run them fully: ${command}`,
      );
    }
  }
  return { ok, messages };
}

/** apt-get as root, or through password-less sudo; undefined when neither is possible. */
export function aptRunner(): CommandRunner | undefined {
  if (process.env.IRLKIT_NO_SYSTEM_INSTALL === "1" || !existsSync("/usr/bin/apt-get"))
    return undefined;
  let prefix: string[];
  if (process.getuid?.() === 0) prefix = [];
  else if (spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0)
    prefix = ["sudo", "-n"];
  else return undefined;
  return (command) => {
    const [program, ...args] = [...prefix, ...command];
    if (program === undefined) return false;
    const result = spawnSync(program, args, {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    return result.status === 0;
  };
}
