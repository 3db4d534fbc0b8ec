import { describe, expect, it } from "vitest";
import { checkEnv } from "../check-env.js";
import { PointMaze } from "./point-maze.js";

describe("checkEnv on PointMaze", () => {
  it("passes for both layouts", () => {
    for (const layout of ["left", "right"] as const) {
      const report = checkEnv(() => new PointMaze({ layout }));
      expect(report.passed).toContain("fresh-observation");
      expect(report.passed).toContain("reset-seed-variety");
    }
  });
});
