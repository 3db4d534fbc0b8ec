// Compiles assembly/mce-kernel.ts (the backward sweep) and assembly/mce-forward.ts (the occupancy
// sweep), AssemblyScript, to WebAssembly SIMD and embeds the bytes in src/planners/mce-kernel-bytes.ts
// and src/planners/mce-forward-bytes.ts, which are committed (decision 0015): two modules, each
// under browsers' 4 kB limit for synchronous compilation.
// `node scripts/build-wasm.mjs --check` fails when the committed bytes are out of date.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { embedAssemblyScript } from "../../../tools/wasm/embed-assemblyscript.mjs";

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const [source, target, constant] of [
  ["assembly/mce-kernel.ts", "src/planners/mce-kernel-bytes.ts", "MCE_KERNEL_WASM_BASE64"],
  ["assembly/mce-forward.ts", "src/planners/mce-forward-bytes.ts", "MCE_FORWARD_WASM_BASE64"],
]) {
  embedAssemblyScript({
    packageDirectory,
    source,
    target,
    constant,
    memoryDescription: "one imported memory (env.memory)",
    memoryFlags: ["--importMemory"],
    rebuildCommand: "pnpm --filter @irlkit/rl build:wasm",
  });
}
