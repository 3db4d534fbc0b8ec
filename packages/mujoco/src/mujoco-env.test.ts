import { describe, expect, it } from "vitest";
import { InvertedPendulum } from "./inverted-pendulum.js";
import { loadMujoco } from "./mujoco-module.js";

describe("MujocoEnv", () => {
  it("releases its model and data on close: 600 envs made and closed in turn fit in the heap", async () => {
    await loadMujoco();
    // Each InvertedPendulum MjData reserves a 4 MiB arena and one module holds at most 488 of
    // them (2 GiB heap, scripts/arena-capacity.ts), so 600 only fit if close() frees them.
    let heap = 0;
    for (let i = 0; i < 600; i++) {
      const env = new InvertedPendulum();
      env.reset({ seed: i });
      env.step(Float32Array.of(0.5));
      heap = (env.data.qpos as Float64Array).buffer.byteLength;
      env.close();
      env.close();
      expect(() => env.step(Float32Array.of(0))).toThrow(/closed/);
    }
    expect(heap).toBeLessThan(512 * 1024 * 1024);
  }, 120_000);
});
