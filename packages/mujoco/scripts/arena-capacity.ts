// How many MjData of one model fit in one MuJoCo wasm module before the 2 GiB heap is full.
// Usage, from the package directory:
//   pnpm tsx scripts/arena-capacity.ts              # each of the package's models
//   pnpm tsx scripts/arena-capacity.ts model.xml    # an MJCF file
// Each model runs in a child process of its own (a full heap cannot be given back).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { modelFiles } from "../src/models/index.js";
import { loadMujoco } from "../src/mujoco-module.js";

const [target] = process.argv.slice(2);
if (target === undefined) {
  for (const { name } of modelFiles) {
    const line = execFileSync("pnpm", ["tsx", fileURLToPath(import.meta.url), `model:${name}`], {
      encoding: "utf8",
    });
    process.stdout.write(line);
  }
} else {
  const xml = target.startsWith("model:")
    ? modelFiles.find((file) => file.name === target.slice(6))!.xml
    : readFileSync(target, "utf8");
  const mujoco = await loadMujoco();
  const model = mujoco.MjModel.from_xml_string(xml);
  let count = 0;
  try {
    for (;;) {
      new mujoco.MjData(model);
      count++;
    }
  } catch {
    // "Could not allocate memory": the heap reached its cap.
  }
  const heap = (model.body_mass as Float64Array).buffer.byteLength; // every view's buffer is the heap
  process.stdout.write(
    `${target}: narena ${(model.narena / 2 ** 20).toFixed(1)} MiB, nbuffer ${(model.nbuffer / 1024).toFixed(0)} KiB, ${count} MjData before the heap (${(heap / 2 ** 30).toFixed(2)} GiB) was full\n`,
  );
}
