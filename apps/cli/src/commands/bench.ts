import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CliError } from "../errors.js";

/** The root package's name in the irlkit source repository. */
const REPOSITORY_PACKAGE = "irlkit-monorepo";

/**
 * The irlkit checkout this CLI belongs to: the repository root four folders above this file
 * (`apps/cli/{src,dist}/commands/bench.{ts,js}`), verified to be irlkit's — its package.json is
 * the monorepo's, `apps/cli/package.json` is `@irlkit/cli`, `bench/run.ts` exists and this file lies
 * inside its `apps/cli`. Never the working directory or a parent folder: a `bench/run.ts` elsewhere
 * is not run.
 */
export function ownCheckout(file: string = fileURLToPath(import.meta.url)): string | undefined {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return undefined;
  }
  const root = resolve(dirname(real), "..", "..", "..", "..");
  const cli = join(root, "apps", "cli");
  const inside = relative(cli, real);
  if (inside.startsWith("..") || inside === real) return undefined;
  if (packageName(join(root, "package.json")) !== REPOSITORY_PACKAGE) return undefined;
  if (packageName(join(cli, "package.json")) !== "@irlkit/cli") return undefined;
  if (!existsSync(join(root, "bench", "run.ts"))) return undefined;
  return root;
}

function packageName(path: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    return typeof parsed === "object" && parsed !== null && "name" in parsed
      ? String(parsed.name)
      : undefined;
  } catch {
    return undefined;
  }
}

export async function benchCommand(names: string[]): Promise<void> {
  const repository = ownCheckout();
  if (repository === undefined) {
    throw new CliError(
      "The benchmarks live in the irlkit source repository (bench/*.bench.ts scripts and bench/sweeps/*.yaml sweep specs), and `irlkit bench` runs only the checkout this CLI was built from; clone it, run `pnpm install`, then `pnpm bench [name]` there. Published numbers are in the README.",
    );
  }
  process.stderr.write(`Running pnpm bench ${names.join(" ")} in ${repository}\n`);
  const result = spawnSync("pnpm", ["bench", ...names], { cwd: repository, stdio: "inherit" });
  if (result.error !== undefined) {
    throw new CliError(`Could not run pnpm (${result.error.message}); install pnpm 10 and retry.`);
  }
  process.exitCode = result.status ?? 1;
}
