/**
 * Adversarial imitation live on CartPole: GAIL, AIRL or GAN-GCL trained in a Web Worker from the
 * CLI's preset for the env (only the budget shortened, and the page says so), until the policy
 * reaches the expert's return. The run's view is adversarial-run.tsx.
 */
import { ADVERSARIAL_RUNS, type AdversarialAlgorithm } from "../settings/demo-runs.js";
import { AdversarialRunView } from "./adversarial-run.js";

const ALGORITHMS = Object.keys(ADVERSARIAL_RUNS) as AdversarialAlgorithm[];

export function AdversarialPage() {
  return (
    <section className="page" data-page="adversarial">
      <h2>Adversarial imitation on CartPole</h2>
      <AdversarialRunView task="cartpole" algorithms={ALGORITHMS} envName="CartPole">
        <p className="note">
          A discriminator learns to tell the expert's transitions from the policy's; the policy
          (PPO) is paid for fooling it. GAIL (
          <a href="https://arxiv.org/abs/1606.03476">Ho &amp; Ermon 2016</a>) uses the discriminator
          only as a training signal. GAN-GCL (
          <a href="https://arxiv.org/abs/1611.03852">Finn, Christiano, Abbeel &amp; Levine 2016</a>)
          writes the discriminator as D = exp f / (exp f + π), so f is a cost that guided cost
          learning would learn. AIRL (
          <a href="https://arxiv.org/abs/1710.11248">Fu, Luo &amp; Levine 2018</a>) splits f into a
          reward g and a shaping term γh(s′) − h(s), so g is a reward that can be drawn — below —
          and reused.
        </p>
      </AdversarialRunView>
    </section>
  );
}
