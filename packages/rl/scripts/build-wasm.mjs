// Compiles assembly/mce-kernel.ts (AssemblyScript) to WebAssembly SIMD and embeds the bytes in
// src/planners/mce-kernel-bytes.ts, which is committed (decision 0015).
// `node scripts/build-wasm.mjs --check` fails when the committed bytes are out of date.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { embedAssemblyScript } from "../../../tools/wasm/embed-assemblyscript.mjs";

embedAssemblyScript({
  packageDirectory: join(dirname(fileURLToPath(import.meta.url)), ".."),
  source: "assembly/mce-kernel.ts",
  target: "src/planners/mce-kernel-bytes.ts",
  constant: "MCE_KERNEL_WASM_BASE64",
  memoryDescription: "one imported memory (env.memory)",
  memoryFlags: ["--importMemory"],
  rebuildCommand: "pnpm --filter @irlkit/rl build:wasm",
});
