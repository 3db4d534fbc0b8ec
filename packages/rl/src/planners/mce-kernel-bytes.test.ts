// The embedded kernel is the compiled assembly/mce-kernel.ts: rebuild it with AssemblyScript and
// compare (`scripts/build-wasm.mjs --check` exits 1 when src/planners/mce-kernel-bytes.ts is stale).
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MCE_KERNEL_WASM_BASE64 } from "./mce-kernel-bytes.js";

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), "../..");

describe("mce-kernel-bytes.ts", () => {
  it("holds the WebAssembly compiled from assembly/mce-kernel.ts, under 4 kB", () => {
    const bytes = atob(MCE_KERNEL_WASM_BASE64);
    expect(bytes.slice(0, 4)).toBe("\0asm");
    expect(bytes.length).toBeLessThan(4096);
    expect(() =>
      execFileSync(process.execPath, ["scripts/build-wasm.mjs", "--check"], {
        cwd: packageDirectory,
        stdio: "pipe",
      }),
    ).not.toThrow();
  }, 120_000);
});
