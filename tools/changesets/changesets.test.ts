// Every pending changeset names published workspace packages with a valid bump, so
// `pnpm changeset version` (run by the release workflow) can apply them.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import readChangesets from "@changesets/read";
import { describe, expect, it } from "vitest";
import { publishablePackages } from "../packaging/pack.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("pending changesets", () => {
  it("release only published packages, with patch/minor/major bumps and a summary", async () => {
    const changesets = await readChangesets(root);
    const published = new Set(publishablePackages(root).map((pkg) => pkg.name));
    expect(changesets.length).toBeGreaterThan(0);
    for (const changeset of changesets) {
      expect(changeset.summary.trim().length, `${changeset.id} has no summary`).toBeGreaterThan(20);
      for (const release of changeset.releases) {
        expect(
          published.has(release.name),
          `${changeset.id} releases unknown package ${release.name}`,
        ).toBe(true);
        expect(["patch", "minor", "major"]).toContain(release.type);
      }
    }
  });

  it("cover every published package at least once before its first release", async () => {
    const released = new Set(
      (await readChangesets(root)).flatMap((c) => c.releases.map((r) => r.name)),
    );
    const unreleased = publishablePackages(root)
      .filter((pkg) => pkg.version === "0.0.0" && !released.has(pkg.name))
      .map((pkg) => pkg.name);
    expect(unreleased).toEqual([]);
  });
});
