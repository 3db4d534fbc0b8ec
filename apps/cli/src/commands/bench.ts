import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CliError } from "../errors.js";

/** The repository root (a directory with bench/run.ts) above the working directory or this file. */
function findRepository(): string | undefined {
  for (const start of [process.cwd(), dirname(fileURLToPath(import.meta.url))]) {
    let directory = start;
    for (let depth = 0; depth < 8; depth++) {
      if (existsSync(join(directory, "bench", "run.ts"))) return directory;
      const parent = dirname(directory);
      if (parent === directory) break;
      directory = parent;
    }
  }
  return undefined;
}

export async function benchCommand(names: string[]): Promise<void> {
  const repository = findRepository();
  if (repository === undefined) {
    throw new CliError(
      "The benchmarks live in the irlkit source repository (bench/*.bench.ts); clone it, run `pnpm install`, then `pnpm bench [name]` there. Published numbers are in the README.",
    );
  }
  process.stderr.write(`Running pnpm bench ${names.join(" ")} in ${repository}\n`);
  const result = spawnSync("pnpm", ["bench", ...names], { cwd: repository, stdio: "inherit" });
  if (result.error !== undefined) {
    throw new CliError(`Could not run pnpm (${result.error.message}); install pnpm 10 and retry.`);
  }
  process.exitCode = result.status ?? 1;
}
