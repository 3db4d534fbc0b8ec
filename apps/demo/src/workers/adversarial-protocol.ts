/** Messages between the adversarial imitation page and `adversarial-worker.ts`. */

export interface AdversarialStartRequest {
  type: "start";
  variant: "gail" | "airl";
  seed: number;
  /** Scripted-expert episodes of seals/CartPole-v0 (500 steps each). */
  demonstrationEpisodes: number;
}

export interface AdversarialReadyMessage {
  type: "ready";
  demonstrationSteps: number;
  backend: string;
}

export interface AdversarialRoundMessage {
  type: "round";
  round: number;
  timesteps: number;
  /** The env's own reward per step during the rollout (1 while the pole is up). */
  trueRewardPerStep: number;
  discriminatorLoss: number;
  /** Mean of the expert and generated accuracies. */
  discriminatorAccuracy: number;
  /** Return of one deterministic CartPole-v1 episode with the current policy. */
  evaluationReturn: number;
  /** That episode's observations, `[steps + 1, 4]` row-major, for the animation. */
  episode: Float32Array;
}

export interface AdversarialErrorMessage {
  type: "error";
  message: string;
}

export type AdversarialWorkerMessage =
  | AdversarialReadyMessage
  | AdversarialRoundMessage
  | AdversarialErrorMessage;
