/**
 * Continuous control: AIRL and GAIL on Pendulum-v1 from the CLI's Pendulum presets (a Gaussian
 * policy whose torque the env clips; AIRL's discriminator uses the likelihood of the clipped
 * action), the pendulum animated, its return against the expert's. The run's view is
 * adversarial-run.tsx.
 */
import { type AdversarialAlgorithm, PENDULUM_RUNS } from "../settings/demo-runs.js";
import { AdversarialRunView } from "./adversarial-run.js";

const ALGORITHMS = Object.keys(PENDULUM_RUNS) as AdversarialAlgorithm[];

export function ContinuousPage() {
  return (
    <section className="page" data-page="continuous">
      <h2>Continuous control: Pendulum</h2>
      <AdversarialRunView task="pendulum" algorithms={ALGORITHMS} envName="Pendulum">
        <p className="note">
          Pendulum-v1: swing a pole up and hold it there with a torque in [−2, 2]; every step costs
          θ² + 0.1 θ̇² + 0.001 u², so returns are negative and the scripted expert scores about −150.
          PPO's policy is a Gaussian whose samples the env clips to the torque bounds. AIRL and
          GAN-GCL put log π(a|s) into the discriminator; irlkit's Pendulum presets use the
          likelihood of the action <em>as the env received it</em> — the density inside the bounds,
          the mass of the clipped tail at a bound (Fujita &amp; Maeda 2018; docs/algorithms/
          adversarial.md) — since a clipped torque of 2 is what the expert's data shows. Scores are
          the mean of three fixed deterministic episodes.
        </p>
      </AdversarialRunView>
    </section>
  );
}
