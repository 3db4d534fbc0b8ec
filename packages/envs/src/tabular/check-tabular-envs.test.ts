import { describe, expect, it } from "vitest";
import { checkEnv } from "../check-env.js";
import { CliffWorld } from "./cliff-world.js";
import { GridWorld } from "./grid-world.js";
import { ObjectWorld } from "./object-world.js";

describe("checkEnv on the tabular worlds", () => {
  it("passes for GridWorld, ObjectWorld and CliffWorld", () => {
    // GridWorld and CliffWorld start in one fixed cell whatever the seed.
    expect(checkEnv(() => new GridWorld(), { deterministicReset: true }).passed).toContain(
      "step-determinism",
    );
    expect(checkEnv(() => new GridWorld({ starts: "uniform" })).passed).toContain(
      "reset-seed-variety",
    );
    expect(checkEnv(() => new ObjectWorld()).passed).toContain("invalid-actions");
    expect(checkEnv(() => new CliffWorld(), { deterministicReset: true }).passed).toContain(
      "step-before-reset",
    );
  });
});
