import { Discrete, ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { readD4rlHdf5 } from "./d4rl.js";
import { loadH5wasm, writeHdf5 } from "./h5wasm-file.js";

/** A D4RL file of 5 transitions: an episode of 2 ending in a terminal, one of 2 ending in a timeout, 1 trailing row. */
async function d4rlFile(
  options: { next?: boolean; terminals?: Int8Array } = {},
): Promise<Uint8Array> {
  const h5 = await loadH5wasm();
  return writeHdf5(h5, (root) => {
    const observations = Float32Array.from({ length: 10 }, (_, k) => k); // row i = [2i, 2i + 1]
    root.create_dataset({ name: "observations", data: observations, shape: [5, 2] });
    if (options.next ?? true) {
      const next = Float32Array.from({ length: 10 }, (_, k) => 100 + k);
      root.create_dataset({ name: "next_observations", data: next, shape: [5, 2] });
    }
    root.create_dataset({
      name: "actions",
      data: Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5),
      shape: [5, 1],
    });
    root.create_dataset({ name: "rewards", data: Float32Array.of(1, 2, 3, 4, 5), shape: [5] });
    root.create_dataset({
      name: "terminals",
      data: options.terminals ?? Int8Array.of(0, 1, 0, 0, 0),
      shape: [5],
    });
    root.create_dataset({ name: "timeouts", data: Int8Array.of(0, 0, 0, 1, 0), shape: [5] });
  });
}

describe("readD4rlHdf5", () => {
  it("splits episodes at terminals and timeouts and uses next_observations for the final one", async () => {
    const result = await readD4rlHdf5(await d4rlFile());
    expect(result.droppedSteps).toBe(0);
    expect(result.observationSpace.kind).toBe("Box");
    expect(result.observationSpace.shape).toEqual([2]);
    const [first, second, third] = result.trajectories;
    expect(Array.from(first!.observations)).toEqual([0, 1, 2, 3, 102, 103]);
    expect(Array.from(first!.rewards!)).toEqual([1, 2]);
    expect(first!.terminated).toBe(true);
    expect(Array.from(second!.observations)).toEqual([4, 5, 6, 7, 106, 107]);
    expect(second!.truncated).toBe(true);
    expect(second!.terminated).toBe(false);
    expect(Array.from(third!.observations)).toEqual([8, 9, 108, 109]);
    expect(third!.truncated).toBe(true);
    expect(Array.from(third!.actions)).toEqual([Math.fround(0.5)]);
  });

  it("drops each episode's last step when next_observations is absent", async () => {
    const result = await readD4rlHdf5(await d4rlFile({ next: false }));
    expect(result.droppedSteps).toBe(3);
    // Episode 0: rows 0, 1 → one transition 0 → 1; episode 2 has a single row: nothing left.
    expect(result.trajectories.map((t) => t.length)).toEqual([1, 1]);
    expect(Array.from(result.trajectories[0]!.observations)).toEqual([0, 1, 2, 3]);
    expect(result.trajectories[0]!.truncated).toBe(true);
  });

  it("refuses a file whose rows all end an episode (0 trajectories) instead of returning none", async () => {
    const allTerminal = await d4rlFile({ next: false, terminals: Int8Array.of(1, 1, 1, 1, 1) });
    const error = await readD4rlHdf5(allTerminal, { file: "all-terminal.hdf5" }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(
      "all-terminal.hdf5: terminals: expected at least one episode of two or more rows (without next_observations an episode's last row is only its final observation), found 5 rows, every one ending an episode: 0 trajectories",
    );
    // With next_observations, one-row episodes are whole transitions.
    const withNext = await readD4rlHdf5(await d4rlFile({ terminals: Int8Array.of(1, 1, 1, 1, 1) }));
    expect(withNext.trajectories.map((t) => t.length)).toEqual([1, 1, 1, 1, 1]);
  });

  it("rejects bad flags, wrong shapes and integer actions without a space", async () => {
    await expect(
      readD4rlHdf5(await d4rlFile({ terminals: Int8Array.of(0, 2, 0, 0, 0) }), {
        file: "hopper.hdf5",
      }),
    ).rejects.toThrow(/hopper.hdf5: terminals\[1\]: expected 0 or 1, found 2/);
    await expect(readD4rlHdf5(await d4rlFile(), { actionSpace: new Discrete(2) })).rejects.toThrow(
      ValidationError,
    );
    await expect(readD4rlHdf5(new Uint8Array(10))).rejects.toThrow(/dataset.hdf5: contents/);
  });
});
