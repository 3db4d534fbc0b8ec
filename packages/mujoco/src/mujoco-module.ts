import loadMujocoModule, { type MainModule } from "@mujoco/mujoco";

/**
 * The loaded MuJoCo WebAssembly module (`@mujoco/mujoco`'s `MainModule`): `MjModel`, `MjData`,
 * `mj_step`, `mj_forward`, `mj_resetData`, `mj_rnePostConstraint`, …
 */
export type MujocoModule = MainModule;

let loaded: MujocoModule | undefined;
let pending: Promise<MujocoModule> | undefined;
const messages: string[] = [];
/** How many of the module's own stdout/stderr lines {@link mujocoMessages} keeps. */
const MESSAGES_KEPT = 100;

function keep(text: string): void {
  messages.push(text);
  if (messages.length > MESSAGES_KEPT) messages.shift();
}

/**
 * Loads the MuJoCo WebAssembly module once per JavaScript realm (thread or worker) and returns it;
 * later calls return the same module. Instantiating the module takes about 0.5 s. The module's own
 * console output (allocation failures, MuJoCo warnings) is kept for {@link mujocoMessages} instead
 * of being printed: packages never print.
 */
export function loadMujoco(): Promise<MujocoModule> {
  if (loaded !== undefined) return Promise.resolve(loaded);
  pending ??= loadMujocoModule({ print: keep, printErr: keep }).then(
    (module) => {
      loaded = module;
      return module;
    },
    (error: unknown) => {
      pending = undefined;
      throw error;
    },
  );
  return pending;
}

/**
 * The module {@link loadMujoco} loaded; throws when it has not finished loading. Environment
 * constructors are synchronous (as Gymnasium's `make` is), so the asynchronous WebAssembly
 * instantiation has to happen first.
 */
export function loadedMujoco(): MujocoModule {
  if (loaded === undefined) {
    throw new Error(
      "The MuJoCo WebAssembly module is not loaded yet: `await registerMujocoEnvs()` (or `await loadMujoco()`) before making a MuJoCo env.",
    );
  }
  return loaded;
}

/** The last lines (at most 100) the MuJoCo module wrote to its stdout or stderr, oldest first. */
export function mujocoMessages(): string[] {
  return [...messages];
}
