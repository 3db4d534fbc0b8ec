import { describe, expect, it } from "vitest";
import {
  booleanSetting,
  choiceSetting,
  customSetting,
  describeConfigSpec,
  integerListSetting,
  integerSetting,
  nullableSetting,
  numberSetting,
  resolveConfig,
  resolveConfigLayers,
  settingSection,
} from "./config-spec.js";
import { ValidationError } from "./validation-error.js";

const policySpec = {
  hiddenSizes: integerListSetting({ default: [64, 64], minimum: 1, doc: "Hidden layer widths." }),
};

const spec = {
  nSteps: integerSetting({ default: 2048, minimum: 1, doc: "Env steps per env per rollout." }),
  gamma: numberSetting({ default: 0.99, minimum: 0, maximum: 1, doc: "Discount factor." }),
  learningRate: numberSetting({ default: 3e-4, exclusiveMinimum: 0, doc: "Adam's step size." }),
  schedule: choiceSetting({
    default: "constant",
    values: ["constant", "linear"],
    doc: "Schedule.",
  }),
  targetKl: nullableSetting(numberSetting({ default: 0.01, exclusiveMinimum: 0, doc: "" }), {
    default: null,
    doc: "Early-stopping KL; null never stops.",
  }),
  normalize: booleanSetting({ default: true, doc: "Standardise advantages." }),
  range: customSetting<readonly [number, number] | null>({
    default: null,
    doc: "Reward range.",
    expected: "[low, high] with low < high, or null",
    accepts: (value): value is readonly [number, number] | null =>
      value === null ||
      (Array.isArray(value) &&
        value.length === 2 &&
        typeof value[0] === "number" &&
        typeof value[1] === "number" &&
        value[0] < value[1]),
  }),
  policy: settingSection("The policy network.", policySpec),
};

describe("resolveConfig", () => {
  it("fills every default and keeps given values", () => {
    const config = resolveConfig(spec, { nSteps: 256, policy: { hiddenSizes: [32] } });
    expect(config).toEqual({
      nSteps: 256,
      gamma: 0.99,
      learningRate: 3e-4,
      schedule: "constant",
      targetKl: null,
      normalize: true,
      range: null,
      policy: { hiddenSizes: [32] },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.policy.hiddenSizes)).toBe(true);
  });

  it("rejects an unknown key with a suggestion, under its path", () => {
    expect(() => resolveConfig(spec, { nStep: 3 } as never, "ppo")).toThrow(
      'ppo.nStep: expected one of the keys nSteps, gamma, learningRate, schedule, targetKl, normalize, range, policy (did you mean "nSteps"?), found an unknown key',
    );
    expect(() => resolveConfig(spec, { policy: { hiddenSize: [3] } } as never, "ppo")).toThrow(
      /ppo\.policy\.hiddenSize: expected one of the keys hiddenSizes \(did you mean "hiddenSizes"\?\)/,
    );
  });

  it("names the key, what it allows and what it found", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ nSteps: 0 }, "nSteps: expected an integer >= 1, found 0"],
      [{ nSteps: 2.5 }, "nSteps: expected an integer >= 1, found 2.5"],
      [{ gamma: 1.5 }, "gamma: expected a finite number >= 0 and <= 1, found 1.5"],
      [{ learningRate: 0 }, "learningRate: expected a finite number > 0, found 0"],
      [{ learningRate: Number.NaN }, "learningRate: expected a finite number > 0, found NaN"],
      [{ schedule: "cosine" }, 'schedule: expected one of "constant", "linear", found "cosine"'],
      [{ targetKl: -1 }, "targetKl: expected a finite number > 0, or null, found -1"],
      [{ normalize: "yes" }, 'normalize: expected true or false, found "yes"'],
      [
        { range: [1, 0] },
        "range: expected [low, high] with low < high, or null, found an array of length 2",
      ],
      [
        { policy: { hiddenSizes: [] } },
        "policy.hiddenSizes: expected a non-empty list of integers >= 1, found an array of length 0",
      ],
      [{ policy: 3 }, "policy: expected an object of settings, found 3"],
    ];
    for (const [config, message] of cases) {
      expect(() => resolveConfig(spec, config as never)).toThrow(ValidationError);
      expect(() => resolveConfig(spec, config as never)).toThrow(message);
    }
    expect(resolveConfig(spec, { targetKl: 0.02 }).targetKl).toBe(0.02);
  });
});

describe("resolveConfigLayers", () => {
  it("takes the last layer that sets a key and records each value's source", () => {
    const resolved = resolveConfigLayers(spec, [
      { source: "preset", values: { nSteps: 500, gamma: 0.98, policy: { hiddenSizes: [32, 32] } } },
      { source: "config file", values: { gamma: 0.95 } },
      { source: "flag", values: { nSteps: 128 } },
    ]);
    expect(resolved.values.nSteps).toBe(128);
    expect(resolved.values.gamma).toBe(0.95);
    expect(resolved.values.policy.hiddenSizes).toEqual([32, 32]);
    expect(resolved.sources).toEqual({
      nSteps: "flag",
      gamma: "config file",
      learningRate: "default",
      schedule: "default",
      targetKl: "default",
      normalize: "default",
      range: "default",
      "policy.hiddenSizes": "preset",
    });
  });

  it("says which layer a bad value or unknown key came from", () => {
    expect(() =>
      resolveConfigLayers(spec, [{ source: "preset", values: { nSteps: -1 } }], "ppo"),
    ).toThrow("ppo.nSteps: expected an integer >= 1, found -1 (from the preset)");
    expect(() =>
      resolveConfigLayers(spec, [{ source: "config file", values: { gama: 1 } }]),
    ).toThrow(/gama: .*did you mean "gamma".*found an unknown key in the config file/);
  });
});

describe("describeConfigSpec", () => {
  it("lists every setting depth first with dotted keys", () => {
    const rows = describeConfigSpec(spec, "ppo");
    expect(rows.map((row) => row.key)).toEqual([
      "ppo.nSteps",
      "ppo.gamma",
      "ppo.learningRate",
      "ppo.schedule",
      "ppo.targetKl",
      "ppo.normalize",
      "ppo.range",
      "ppo.policy.hiddenSizes",
    ]);
    expect(rows[0]).toEqual({
      key: "ppo.nSteps",
      doc: "Env steps per env per rollout.",
      expected: "an integer >= 1",
      default: 2048,
    });
  });

  it("refuses a default its own check rejects", () => {
    expect(() => integerSetting({ default: 0, minimum: 1, doc: "" })).toThrow(
      "setting default 0 is not an integer >= 1",
    );
  });
});
