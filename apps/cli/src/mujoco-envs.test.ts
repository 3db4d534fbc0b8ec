import { make, registeredIds } from "@irlkit/envs";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { COMMANDS_WITHOUT_ENVIRONMENTS, registerMujocoBeforeAction } from "./mujoco-envs.js";

/** The ids @irlkit/mujoco registers: 6 v5 envs, 5 seals variants, AIRL's ant pair. */
const MUJOCO_IDS = [
  "HalfCheetah-v5",
  "Hopper-v5",
  "InvertedPendulum-v5",
  "Walker2d-v5",
  "Swimmer-v5",
  "Ant-v5",
  "seals/HalfCheetah-v1",
  "seals/Hopper-v1",
  "seals/Walker2d-v1",
  "seals/Swimmer-v1",
  "seals/Ant-v1",
  "CustomAnt-v0",
  "DisabledAnt-v0",
];

describe("the CLI's MuJoCo registration", () => {
  it("skips the commands that read only files, then registers every MuJoCo env once", async () => {
    const program = new Command("irlkit");
    expect([...COMMANDS_WITHOUT_ENVIRONMENTS].sort()).toEqual(["bench", "plot"]);
    await registerMujocoBeforeAction(program, new Command("plot"));
    expect(registeredIds().filter((id) => MUJOCO_IDS.includes(id))).toEqual([]);

    const before = registeredIds().length;
    await registerMujocoBeforeAction(program, new Command("train"));
    // Twice is fine: ids already held are skipped.
    await registerMujocoBeforeAction(program, new Command("demos"));
    expect(registeredIds().length).toBe(before + MUJOCO_IDS.length);
    for (const id of MUJOCO_IDS) expect(registeredIds()).toContain(id);

    // seals' HalfCheetah keeps x in the observation (18-D); v5 drops it (17-D).
    const seals = make("seals/HalfCheetah-v1");
    const v5 = make("HalfCheetah-v5");
    expect(seals.observationSpace.shape).toEqual([18]);
    expect(v5.observationSpace.shape).toEqual([17]);
    expect(seals.actionSpace.shape).toEqual([6]);
    seals.close();
    v5.close();
  });
});
