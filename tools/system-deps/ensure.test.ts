import { describe, expect, it } from "vitest";
import { ensureRequirements, installCommand } from "./ensure.js";
import type { SystemRequirement } from "./requirements.js";

function fakeRequirement(
  name: string,
  required: boolean,
  state: { installed: boolean },
): SystemRequirement {
  return {
    description: `the ${name} program`,
    neededBy: `the ${name} tests`,
    debianPackages: [name],
    required,
    check: () => state.installed,
  };
}

describe("ensureRequirements", () => {
  it("does nothing when everything is installed", () => {
    const calls: string[][] = [];
    const result = ensureRequirements(
      [fakeRequirement("chromium", true, { installed: true })],
      (command) => {
        calls.push([...command]);
        return true;
      },
    );
    expect(result).toEqual({ ok: true, messages: [] });
    expect(calls).toEqual([]);
  });

  it("installs what is missing with apt-get, then passes", () => {
    const chromium = { installed: false };
    const calls: string[][] = [];
    const result = ensureRequirements([fakeRequirement("chromium", true, chromium)], (command) => {
      calls.push([...command]);
      if (command.includes("install")) chromium.installed = true;
      return true;
    });
    expect(result.ok).toBe(true);
    expect(
      calls.map((command) =>
        command.filter((part) => !part.startsWith("-") && !part.includes("Lock")),
      ),
    ).toEqual([
      ["apt-get", "update"],
      ["apt-get", "install", "chromium"],
    ]);
  });

  it("fails with the exact command when a required package cannot be installed", () => {
    const result = ensureRequirements(
      [fakeRequirement("chromium", true, { installed: false })],
      undefined,
    );
    expect(result.ok).toBe(false);
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]).toContain(
      "Run: sudo apt-get update && sudo apt-get install -y chromium",
    );
    expect(result.messages[0]).toContain("cannot be installed from here");
  });

  it("only notes a missing best-effort package", () => {
    const result = ensureRequirements(
      [fakeRequirement("python3-h5py", false, { installed: false })],
      () => false,
    );
    expect(result.ok).toBe(true);
    expect(result.messages.at(-1)).toContain("NOT RUN");
    expect(installCommand(["a", "b"])).toBe("sudo apt-get update && sudo apt-get install -y a b");
  });
});
