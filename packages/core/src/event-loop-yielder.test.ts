import { describe, expect, it } from "vitest";
import { EventLoopYielder } from "./event-loop-yielder.js";

/** A loop of `milliseconds` of busy work that awaits `pause` every iteration; counts timer turns. */
async function busyLoop(pause: () => Promise<void>, milliseconds: number): Promise<number> {
  let turns = 0;
  let ticking = true;
  const tick = (): void => {
    turns++;
    if (ticking) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  const end = performance.now() + milliseconds;
  while (performance.now() < end) await pause();
  ticking = false;
  return turns;
}

describe("EventLoopYielder", () => {
  it("lets timers run during a busy loop, at most every interval", async () => {
    const yielder = new EventLoopYielder(20);
    const turns = await busyLoop(() => yielder.pause(), 300);
    // 300 ms at one yield per 20 ms: about 15 turns (a loaded machine gives fewer, never zero).
    expect(turns).toBeGreaterThanOrEqual(3);
    expect(turns).toBeLessThanOrEqual(16);
  });

  it("a plain await lets no timer run (what the yielder is for)", async () => {
    const turns = await busyLoop(() => Promise.resolve(), 100);
    expect(turns).toBe(0);
  });

  it("returns at once inside the interval", () => {
    const yielder = new EventLoopYielder(60_000);
    expect(yielder.pause()).toBe(yielder.pause());
  });
});
