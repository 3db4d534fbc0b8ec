// A package's README ships in its tarball, where the rest of the repository does not: its links
// must stay inside the package or be absolute URLs. Links to the repository use its
// package.json `repository` URL and must name files that exist.
import { existsSync, readdirSync, readFileSync } from "node:fs";
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

describe("repository docs", () => {
  const documents = [
    "README.md",
    "CONTRIBUTING.md",
    ...[
      "docs",
      "docs/algorithms",
      "docs/decisions",
      "docs/guides",
      "apps/cli",
      "apps/demo",
      "bench",
    ]
      .filter((directory) => existsSync(join(root, directory)))
      .flatMap((directory) =>
        readdirSync(join(root, directory))
          .filter((name) => name.endsWith(".md"))
          .map((name) => `${directory}/${name}`),
      ),
  ];

  it("link and name only paths inside the repository that exist", () => {
    const problems: string[] = [];
    for (const document of documents) {
      const text = readFileSync(join(root, document), "utf8");
      const directory = dirname(join(root, document));
      const targets = [
        ...[...text.matchAll(MARKDOWN_LINK)].map((match) => match[1]!),
        // Paths in code spans that climb out of their folder, e.g. `../shared/design/…`.
        ...[...text.matchAll(/`(\.\.\/[^`\s]+)`/g)].map((match) => match[1]!),
      ];
      for (const target of targets) {
        const link = target.split("#")[0]!;
        if (link === "" || /^[a-z]+:/.test(link)) continue;
        const resolved = resolve(directory, link);
        if (relative(root, resolved).startsWith("..")) {
          problems.push(`${document}: ${target} is outside the repository`);
        } else if (!existsSync(resolved)) {
          problems.push(`${document}: ${target} does not exist`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
