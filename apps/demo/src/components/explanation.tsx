/** A paper, opened in a new tab. */
function Paper({ href, children }: { href: string; children: string }) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

/** The story behind the pages, in a few paragraphs: MaxEnt IRL → Guided Cost Learning → GANs. */
export function Explanation() {
  return (
    <aside className="explanation">
      <h3>From MaxEnt IRL to GANs</h3>
      <h4>1. MaxEnt IRL</h4>
      <p>
        Inverse RL asks the opposite question of RL: given an expert's behaviour, which reward makes
        it look optimal? Many rewards do, so maximum-entropy IRL picks the least committal
        explanation: trajectories are exponentially more likely the more reward they collect, p(τ) ∝
        exp R(τ). Fitting R by maximum likelihood has a clean gradient — the expert's feature counts
        minus the counts the current reward produces. With known dynamics both are exact: a soft
        value iteration gives the normaliser Z, a forward pass gives the state visitation. That is
        what the playground runs, one gradient step at a time (
        <Paper href="https://cdn.aaai.org/AAAI/2008/AAAI08-227.pdf">Ziebart et al. 2008</Paper>; the
        causal version, MCE IRL:{" "}
        <Paper href="https://www.cs.cmu.edu/~bziebart/publications/thesis-bziebart.pdf">
          Ziebart 2010
        </Paper>
        ).
      </p>
      <h4>2. Guided Cost Learning</h4>
      <p>
        Without a model of the dynamics, Z can no longer be summed. Guided Cost Learning estimates
        it by importance sampling, using trajectories from a policy q as the proposal (mixed with
        the demonstrations so the estimate stays stable). Instead of solving RL to convergence for
        every reward update, the policy takes one improvement step per reward step, so q tracks exp
        R and the importance weights stay useful (
        <Paper href="https://arxiv.org/abs/1603.00448">Finn, Levine &amp; Abbeel 2016</Paper>).
      </p>
      <h4>3. The GAN connection</h4>
      <p>
        Write the optimal classifier between demonstrations and policy samples as D(τ) = exp R(τ) /
        (exp R(τ) + q(τ)). Training D with the usual cross-entropy turns out to be the GCL reward
        update, and improving q against log D is the policy update: the policy is a generator, the
        reward lives inside the discriminator. GAIL keeps the game but frees D from the energy form;
        AIRL applies it per transition with f = g(s) + γh(s′) − h(s), so the part g is a reward that
        transfers to new dynamics. The adversarial page trains exactly this game (
        <Paper href="https://arxiv.org/abs/1611.03852">Finn, Christiano et al. 2016</Paper>;{" "}
        <Paper href="https://arxiv.org/abs/1606.03476">GAIL, Ho &amp; Ermon 2016</Paper>;{" "}
        <Paper href="https://arxiv.org/abs/1710.11248">AIRL, Fu, Luo &amp; Levine 2018</Paper>).
      </p>
    </aside>
  );
}
