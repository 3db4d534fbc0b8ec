/**
 * Node-only parts of `@irlkit/mujoco` (import from `@irlkit/mujoco/node`): the worker-thread vector
 * env, which needs `node:worker_threads`.
 */
export { WorkerVectorEnv, type WorkerVectorStepResult } from "./node/worker-vector-env.js";
export {
  DEFAULT_SPIN_MICROSECONDS,
  type WorkerVectorEnvOptions,
} from "./node/worker-vector-env-options.js";
