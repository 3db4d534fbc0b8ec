import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "./cli.js";

const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

describe("irlkit --version", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("prints the version of apps/cli/package.json and exits 0", async () => {
    for (const flag of ["--version", "-V"]) {
      const written: string[] = [];
      vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
        written.push(String(chunk));
        return true;
      });
      expect(await main([flag])).toBe(0);
      vi.restoreAllMocks();
      expect(written.join(""), flag).toBe(`${manifest.version}\n`);
    }
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("lists --version in the help", async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    expect(await main(["--help"])).toBe(0);
    expect(written.join("")).toContain("-V, --version");
  });
});
