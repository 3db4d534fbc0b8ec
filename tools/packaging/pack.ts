import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface PublishablePackage {
  name: string;
  version: string;
  directory: string;
  /** Subpaths of the exports map (".", "./testing", ...), without "./package.json". */
  subpaths: string[];
  /** Workspace packages it depends on at run time. */
  internalDependencies: string[];
}

/** Every non-private package under `<root>/packages`. */
export function publishablePackages(root: string): PublishablePackage[] {
  const out: PublishablePackage[] = [];
  for (const entry of readdirSync(join(root, "packages"))) {
    const directory = join(root, "packages", entry);
    const manifestPath = join(directory, "package.json");
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    if (manifest.private) continue;
    out.push({
      name: manifest.name,
      version: manifest.version,
      directory,
      subpaths: Object.keys(manifest.exports ?? {}).filter((key) => key !== "./package.json"),
      internalDependencies: Object.keys(manifest.dependencies ?? {}).filter((d) =>
        d.startsWith("@irlkit/"),
      ),
    });
  }
  return out;
}

/** `pnpm pack` into `destination`; returns the tarball path. The package must be built. */
export function packPackage(pkg: PublishablePackage, destination: string): string {
  if (!existsSync(join(pkg.directory, "dist"))) {
    throw new Error(
      `${pkg.name} has no dist/: run \`pnpm build\` before the packaging smoke test.`,
    );
  }
  mkdirSync(destination, { recursive: true });
  const output = execFileSync("pnpm", ["pack", "--pack-destination", destination], {
    cwd: pkg.directory,
    encoding: "utf8",
  });
  const tarball = output
    .trim()
    .split("\n")
    .map((line) => line.trim())
    .reverse()
    .find((line) => line.endsWith(".tgz"));
  if (tarball === undefined)
    throw new Error(`pnpm pack printed no tarball for ${pkg.name}:\n${output}`);
  return tarball.startsWith("/") ? tarball : join(destination, tarball);
}

/** A scratch npm project outside the workspace with the given tarballs installed. */
export function installIntoScratchProject(directory: string, tarballs: string[]): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(
    join(directory, "package.json"),
    JSON.stringify({ name: "scratch", private: true }),
  );
  execFileSync(
    "npm",
    ["install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error", ...tarballs],
    { cwd: directory, encoding: "utf8", env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: "skip" } },
  );
}
