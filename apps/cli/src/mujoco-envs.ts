/**
 * The MuJoCo envs of `@irlkit/mujoco` (HalfCheetah-v5 …, seals/HalfCheetah-v1 …, CustomAnt-v0,
 * DisabledAnt-v0) in the CLI's registry. Loading the MuJoCo WebAssembly module costs ~0.3–0.5 s
 * on this project's machine (importing the package ~0.09 s), so the CLI does it once, before the
 * action of a command that can make an environment, and never for `--help`, `--version` or the
 * commands below that read only files.
 */
import type { Command } from "commander";

/** Commands that never make an environment: they skip the MuJoCo module's start-up. */
export const COMMANDS_WITHOUT_ENVIRONMENTS: ReadonlySet<string> = new Set(["plot", "bench"]);

/**
 * Registers the MuJoCo envs into the default registry (idempotent). Imported on first use so
 * the commands that do not need MuJoCo do not load it.
 */
export async function registerMujocoEnvironments(): Promise<void> {
  const { registerMujocoEnvs } = await import("@irlkit/mujoco");
  await registerMujocoEnvs();
}

/** A commander `preAction` hook: register the MuJoCo envs unless the command needs none. */
export async function registerMujocoBeforeAction(
  _program: Command,
  actionCommand: Command,
): Promise<void> {
  if (COMMANDS_WITHOUT_ENVIRONMENTS.has(actionCommand.name())) return;
  await registerMujocoEnvironments();
}
