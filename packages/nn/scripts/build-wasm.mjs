// Compiles assembly/kernels.ts (AssemblyScript) to WebAssembly SIMD and embeds the bytes in
// src/fused/wasm-bytes.ts, which is committed (decision 0014).
// `node scripts/build-wasm.mjs --check` fails when the committed bytes are out of date.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { embedAssemblyScript } from "../../../tools/wasm/embed-assemblyscript.mjs";

embedAssemblyScript({
  packageDirectory: join(dirname(fileURLToPath(import.meta.url)), ".."),
  source: "assembly/kernels.ts",
  target: "src/fused/wasm-bytes.ts",
  constant: "FUSED_KERNELS_WASM_BASE64",
  memoryDescription: "no imports, one exported memory",
  memoryFlags: ["--initialMemory", "1"],
  rebuildCommand: "pnpm --filter @irlkit/nn build:wasm",
});
