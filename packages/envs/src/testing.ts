/**
 * Test helpers for environment authors. Import from `@irlkit/envs/testing`.
 */
export {
  type CheckEnvCheck,
  CheckEnvError,
  type CheckEnvFailure,
  type CheckEnvOptions,
  type CheckEnvReport,
  checkEnv,
} from "./check-env.js";
