import { Rng, withLimits } from "@irlkit/core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "./backend.js";
import { Mlp, resolveMlpConfig } from "./mlp.js";

beforeAll(async () => {
  await initBackend();
});

describe("the size of a network", () => {
  it("is refused beyond maxParameters before any weight is drawn or allocated", () => {
    // hiddenSizes [100000, 100000] on CartPole: 5·10⁵ + 10¹⁰ + 2·10⁵ weights (the hang).
    expect(() => new Mlp({ sizes: [4, 100_000, 100_000, 2] }, new Rng(0))).toThrow(
      "sizes [4, 100000, 100000, 2]: expected at most 50000000 parameters (the limit maxParameters",
    );
    // Widths within maxLayerWidth, but 16384² per layer: 537 million parameters.
    expect(() => resolveMlpConfig({ sizes: [4, 16384, 16384, 16384, 2] }, "policy.")).toThrow(
      "policy.sizes [4, 16384, 16384, 16384, 2]: expected at most 50000000 parameters",
    );
  });

  it("counts weights and biases exactly: (in + 1) × out per layer", () => {
    // [4, 64, 64, 2]: 5·64 + 65·64 + 65·2 = 320 + 4160 + 130 = 4610.
    const limits = withLimits({ maxParameters: 4610 });
    const mlp = new Mlp({ sizes: [4, 64, 64, 2], limits }, new Rng(0));
    mlp.dispose();
    expect(() =>
      resolveMlpConfig({ sizes: [4, 64, 64, 2], limits: withLimits({ maxParameters: 4609 }) }),
    ).toThrow(
      "expected at most 4609 parameters (the limit maxParameters; raise it with withLimits({ maxParameters })",
    );
  });
});
