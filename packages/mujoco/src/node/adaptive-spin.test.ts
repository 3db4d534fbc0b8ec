import { describe, expect, it } from "vitest";
import { AdaptiveSpin, MAX_BACKOFF_LEVEL } from "./adaptive-spin.js";

const answered = () => true;

/** One wait that polled (or not) and took `milliseconds`. */
function wait(spin: AdaptiveSpin, milliseconds: number): boolean {
  const polled = spin.polling;
  spin.poll(answered);
  spin.record(0, milliseconds);
  return polled;
}

describe("AdaptiveSpin", () => {
  it("backs off after polls that run out of budget and comes back after polls answered in time", () => {
    const spin = new AdaptiveSpin(200);
    expect(spin.polling).toBe(true);
    // A poll that ran out (1 ms > 200 µs): level 1, the next wait sleeps, the one after polls.
    expect(wait(spin, 1)).toBe(true);
    expect(spin.level).toBe(1);
    expect(wait(spin, 0.01)).toBe(false); // a wait that slept does not move the level
    expect(spin.level).toBe(1);
    expect(spin.polling).toBe(true);
    // Another one: level 2, three waits sleep.
    expect(wait(spin, 1)).toBe(true);
    expect([wait(spin, 1), wait(spin, 1), wait(spin, 1)]).toEqual([false, false, false]);
    expect(spin.level).toBe(2);
    // Polls that keep running out: one poll in 2^8 waits at most.
    const pattern: boolean[] = [];
    for (let k = 0; k < 2000; k++) pattern.push(wait(spin, 1));
    expect(spin.level).toBe(MAX_BACKOFF_LEVEL);
    const polledAt = pattern.flatMap((polled, k) => (polled ? [k] : []));
    expect(polledAt.slice(-3).map((k, i, all) => (i === 0 ? 0 : k - all[i - 1]!))).toEqual([
      0, 256, 256,
    ]);
    // A poll answered in time (exactly the budget counts) lowers the level by one.
    while (!spin.polling) wait(spin, 1);
    wait(spin, 0.2);
    expect(spin.level).toBe(MAX_BACKOFF_LEVEL - 1);
  });

  it("polls every wait while the answers come in time", () => {
    const spin = new AdaptiveSpin(200);
    const pattern = Array.from({ length: 50 }, () => wait(spin, 0.05));
    expect(pattern.every((polled) => polled)).toBe(true);
    expect(spin.level).toBe(0);
  });

  it("never polls with a budget of 0, and returns at once when the answer is there", () => {
    const never = new AdaptiveSpin(0);
    expect(never.polling).toBe(false);
    let checks = 0;
    const notYet = () => {
      checks++;
      return false;
    };
    expect(never.poll(notYet)).toBe(false);
    expect(checks).toBe(1);
    const spin = new AdaptiveSpin(1e9);
    checks = 0;
    expect(spin.poll(() => ++checks === 3)).toBe(true);
    expect(checks).toBe(3);
  });

  it("polls until the budget runs out when the answer does not come", () => {
    const spin = new AdaptiveSpin(50);
    let checks = 0;
    const notYet = () => {
      checks++;
      return false;
    };
    expect(spin.poll(notYet)).toBe(false);
    expect(checks).toBeGreaterThanOrEqual(33); // at least one batch of 32 loads and a last check
  });
});
