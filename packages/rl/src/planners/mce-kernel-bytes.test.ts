// The embedded kernels are the compiled assembly/mce-kernel.ts and assembly/mce-forward.ts: rebuild
// them with AssemblyScript and compare (`scripts/build-wasm.mjs --check` exits 1 when
// src/planners/mce-kernel-bytes.ts or mce-forward-bytes.ts is stale).
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MCE_FORWARD_WASM_BASE64 } from "./mce-forward-bytes.js";
import { MCE_KERNEL_WASM_BASE64 } from "./mce-kernel-bytes.js";

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), "../..");

describe("mce-kernel-bytes.ts and mce-forward-bytes.ts", () => {
  it("hold the WebAssembly compiled from assembly/, each module under 4 kB", () => {
    for (const base64 of [MCE_KERNEL_WASM_BASE64, MCE_FORWARD_WASM_BASE64]) {
      const bytes = atob(base64);
      expect(bytes.slice(0, 4)).toBe("\0asm");
      expect(bytes.length).toBeLessThan(4096);
    }
    expect(() =>
      execFileSync(process.execPath, ["scripts/build-wasm.mjs", "--check"], {
        cwd: packageDirectory,
        stdio: "pipe",
      }),
    ).not.toThrow();
  }, 120_000);
});
