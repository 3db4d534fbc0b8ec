// A package's README ships in its tarball, where the rest of the repository does not: its links
// must stay inside the package or be absolute URLs. Links to the repository use its
// package.json `repository` URL and must name files that exist.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { publishablePackages } from "./pack.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MARKDOWN_LINK = /\]\(([^)\s]+)\)/g;

function repositoryUrl(directory: string): string {
  const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8"));
  const url: unknown = manifest.repository?.url;
  expect(typeof url, `${directory}/package.json repository.url`).toBe("string");
  return (url as string).replace(/^git\+/, "").replace(/\.git$/, "");
}

describe("package READMEs", () => {
  const packages = publishablePackages(root);

  it("all name the same repository", () => {
    expect(new Set(packages.map((pkg) => repositoryUrl(pkg.directory))).size).toBe(1);
  });

  for (const pkg of packages) {
    it(`${pkg.name}: links stay in the package or point at existing repository files`, () => {
      const readme = readFileSync(join(pkg.directory, "README.md"), "utf8");
      const repository = repositoryUrl(pkg.directory);
      const problems: string[] = [];
      for (const [, target] of readme.matchAll(MARKDOWN_LINK)) {
        const link = target!.split("#")[0]!;
        if (link === "" || /^mailto:/.test(link)) continue;
        if (/^https?:\/\//.test(link)) {
          const prefix = `${repository}/`;
          if (!link.startsWith(prefix)) continue; // another site
          const path = link.slice(prefix.length).replace(/^(blob|tree)\/main\//, "");
          if (!existsSync(join(root, path))) problems.push(`${target}: ${path} does not exist`);
          continue;
        }
        const resolved = resolve(pkg.directory, link);
        if (relative(pkg.directory, resolved).startsWith("..")) {
          problems.push(
            `${target}: outside the package (not in its tarball); use ${repository}/blob/main/…`,
          );
        } else if (!existsSync(resolved)) {
          problems.push(`${target}: does not exist`);
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
