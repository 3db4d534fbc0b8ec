/**
 * The tabular IRL methods' hyperparameters: the settings they share (`tabularIrlSettings`) and
 * `mceIrlConfigSpec`; `maxEntIrlConfigSpec` and `deepMaxEntIrlConfigSpec` spread the shared ones
 * with their own defaults. Each setting's doc names the source of a non-obvious default.
 */
import {
  type ConfigSpec,
  type ConfigValues,
  choiceSetting,
  defaultLimits,
  integerSetting,
  nullableSetting,
  numberSetting,
  type PartialConfig,
  resolveConfig,
} from "@irlkit/core";

/** The settings every tabular IRL method shares (each method's spec spreads them). */
export function tabularIrlSettings(weightDecay: { default: number; doc: string }) {
  return {
    horizon: nullableSetting(
      integerSetting({ default: 1, minimum: 1, maximum: defaultLimits.maxEpisodeSteps, doc: "" }),
      {
        default: null,
        doc: "Planning horizon H (demonstrations must have exactly H steps); null: the MDP's.",
      },
    ),
    discount: nullableSetting(numberSetting({ default: 1, minimum: 0, maximum: 1, doc: "" }), {
      default: null,
      doc: "Discount γ; null: the MDP's (imitation's MCEIRL default is 1).",
    }),
    learningRate: numberSetting({
      default: 1e-2,
      exclusiveMinimum: 0,
      doc: "Adam's step size (1e-2: imitation's MCEIRL).",
    }),
    weightDecay: numberSetting({ default: weightDecay.default, minimum: 0, doc: weightDecay.doc }),
    maxIterations: integerSetting({
      default: 1000,
      minimum: 1,
      maximum: defaultLimits.maxTrainingSteps,
      doc: "Gradient-step budget (train() stops here or on convergence).",
    }),
    occupancyTolerance: numberSetting({
      default: 1e-3,
      exclusiveMinimum: 0,
      doc: "Converged when ‖μ_π − μ_D‖∞ is below this and the gradient test holds (imitation's linf_eps).",
    }),
    gradientTolerance: numberSetting({
      default: 1e-4,
      exclusiveMinimum: 0,
      doc: "Converged when ‖∇_ψ L‖₂ is below this and the occupancy test holds (imitation's grad_l2_eps).",
    }),
    logInterval: integerSetting({
      default: 1,
      minimum: 1,
      doc: "The metric sink receives irl/* metrics every this many iterations.",
    }),
  };
}

/** The backward pass: causal (soft value iteration, Ziebart 2010) or MaxEnt 2008 (`maxEntPartition`). */
export function backwardPassSetting(value: "causal" | "maxent") {
  return choiceSetting({
    default: value,
    values: ["causal", "maxent"],
    doc: '"causal": maximum causal entropy (soft value iteration); "maxent": the 2008 backward pass, which differs under stochastic dynamics.',
  });
}

/** `mceIrl`'s hyperparameters. */
export const mceIrlConfigSpec = {
  ...tabularIrlSettings({ default: 0, doc: "L2 penalty λ Σ‖ψ‖² added to the loss; 0: none." }),
  backwardPass: backwardPassSetting("causal"),
} satisfies ConfigSpec;

export type MceIrlConfig = PartialConfig<typeof mceIrlConfigSpec>;
export type ResolvedMceIrlConfig = ConfigValues<typeof mceIrlConfigSpec>;

/**
 * Every hyperparameter of `config` resolved and checked (`algorithm` names them in errors);
 * unknown keys are rejected with a suggestion. The MDP-dependent checks (horizon, discount) are the
 * trainer's.
 */
export function resolveMceIrlConfig(
  config?: MceIrlConfig,
  algorithm = "mceIrl",
): ResolvedMceIrlConfig {
  return resolveConfig(mceIrlConfigSpec, config, algorithm);
}
