// Compiles each of this package's models and Gymnasium's asset of the same robot with the pinned
// MuJoCo build and compares every physical field of the two compiled mjModels (not the visual
// ones: textures, materials, lights, cameras, colours, names). Usage, from the package directory:
//   pnpm tsx scripts/compare-with-gymnasium.ts <gymnasium checkout>/gymnasium/envs/mujoco/assets
// Prints one line per model and exits 1 when a field differs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { modelFiles } from "../src/models/index.js";
import { loadMujoco } from "../src/mujoco-module.js";

const assets = process.argv[2];
if (assets === undefined) {
  throw new Error("usage: tsx scripts/compare-with-gymnasium.ts <gymnasium assets directory>");
}
/** Fields that describe rendering, names, custom data or bookkeeping, not physics. */
const VISUAL =
  /rgba|matid|texid|mat_|tex_|cam_|light_|name|_user$|^nuser|ntex|nmat|ncam|nlight|nnames|npaths|ntexdata|paths|signature|narena|nbuffer|nstack|^vis|bvh|ntree|tree_|body_treeid|nbvh|nsensordata|nplugin|ntext|ntuple|nkey|^buffer$|numeric/;

const mujoco = await loadMujoco();
let failed = false;
for (const { name, xml, gymnasiumAsset } of modelFiles) {
  const ours = mujoco.MjModel.from_xml_string(xml);
  const theirs = mujoco.MjModel.from_xml_string(readFileSync(join(assets, gymnasiumAsset), "utf8"));
  const differences: string[] = [];
  const prototype = Object.getPrototypeOf(ours);
  const fields = Object.getOwnPropertyNames(prototype).filter((field) => !VISUAL.test(field));
  for (const field of fields) {
    let a: unknown;
    let b: unknown;
    try {
      a = (ours as unknown as Record<string, unknown>)[field];
      b = (theirs as unknown as Record<string, unknown>)[field];
    } catch {
      continue;
    }
    if (typeof a === "number") {
      if (a !== b && !(Number.isNaN(a) && Number.isNaN(b as number)))
        differences.push(`${field}: ${a} vs ${b}`);
    } else if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
      const x = Array.from(a as unknown as ArrayLike<number>);
      const y = Array.from(b as unknown as ArrayLike<number>);
      if (x.length !== y.length || x.some((value, i) => value !== y[i])) {
        differences.push(
          `${field}: [${x.slice(0, 12).join(", ")}] vs [${y.slice(0, 12).join(", ")}]`,
        );
      }
    }
  }
  for (const group of ["opt"] as const) {
    const a = ours[group] as unknown as Record<string, unknown>;
    const b = theirs[group] as unknown as Record<string, unknown>;
    for (const field of Object.getOwnPropertyNames(Object.getPrototypeOf(a))) {
      const x = a[field];
      const y = b[field];
      if (typeof x === "number" && x !== y) differences.push(`opt.${field}: ${x} vs ${y}`);
      if (ArrayBuffer.isView(x) && ArrayBuffer.isView(y)) {
        const xs = Array.from(x as unknown as ArrayLike<number>);
        const ys = Array.from(y as unknown as ArrayLike<number>);
        if (xs.some((value, i) => value !== ys[i]))
          differences.push(`opt.${field}: [${xs}] vs [${ys}]`);
      }
    }
  }
  ours.delete();
  theirs.delete();
  failed ||= differences.length > 0;
  process.stdout.write(
    `${name} (${gymnasiumAsset}): ${differences.length === 0 ? `all ${fields.length} physical fields equal` : `${differences.length} fields differ\n  ${differences.join("\n  ")}`}\n`,
  );
}
process.exitCode = failed ? 1 : 0;
