import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import {
  isNodeOnlyFile,
  isTestFile,
  isTestingFile,
  type PackageRule,
  packageRules,
  tensorLibraryPrefixes,
} from "./rules.js";

export interface Violation {
  /** Path relative to the repository root. */
  file: string;
  specifier: string;
  message: string;
}

/**
 * Checks every package under `<root>/packages` against `rules`: each import of its sources, and the
 * dependencies its package.json declares. Returns every violation (empty when the tree is clean).
 */
export function checkArchitecture(
  root: string,
  rules: Readonly<Record<string, PackageRule>> = packageRules,
): Violation[] {
  const violations: Violation[] = [];
  const packagesDirectory = join(root, "packages");
  for (const directory of listDirectories(packagesDirectory)) {
    const manifestPath = join(packagesDirectory, directory, "package.json");
    let manifest: {
      name?: string;
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    try {
      manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    } catch {
      continue; // not a package (yet)
    }
    const name = manifest.name ?? directory;
    const manifestFile = relative(root, manifestPath);
    const rule = rules[name];
    if (rule === undefined) {
      violations.push({
        file: manifestFile,
        specifier: name,
        message: `${name} has no entry in the dependency table (tools/architecture/rules.ts); add one that matches docs/architecture.md.`,
      });
      continue;
    }
    const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
    for (const dependency of Object.keys(declared)) {
      const problem = forbiddenReason(name, rule, dependency, false);
      if (problem !== undefined)
        violations.push({ file: manifestFile, specifier: dependency, message: problem });
    }
    const sourceDirectory = join(packagesDirectory, directory, "src");
    for (const file of listFiles(sourceDirectory)) {
      if (!/\.(ts|tsx|mts)$/.test(file)) continue;
      const relativeToPackage = relative(join(packagesDirectory, directory), file);
      const relativeToRoot = relative(root, file);
      const inTests = isTestFile(relativeToPackage) || isTestingFile(relativeToPackage);
      for (const specifier of importsOf(readFileSync(file, "utf8"))) {
        if (specifier.startsWith(".")) continue;
        if (specifier.startsWith("node:")) {
          if (!isNodeOnlyFile(relativeToPackage)) {
            violations.push({
              file: relativeToRoot,
              specifier,
              message: `${name} imports ${specifier} in ${relativeToPackage}, which browsers load; move Node-only code to a node.ts / node/ subpath.`,
            });
          }
          continue;
        }
        const problem = forbiddenReason(name, rule, specifier, inTests);
        if (problem !== undefined) {
          violations.push({
            file: relativeToRoot,
            specifier,
            message: `${problem} (in ${relativeToPackage})`,
          });
          continue;
        }
        const packageName = packageNameOf(specifier);
        if (
          !inTests &&
          packageName.startsWith("@irlkit/") &&
          packageName !== name &&
          declared[packageName] === undefined
        ) {
          violations.push({
            file: relativeToRoot,
            specifier,
            message: `${name} imports ${packageName} in ${relativeToPackage} but its package.json does not declare it.`,
          });
        }
      }
    }
  }
  return violations;
}

function forbiddenReason(
  name: string,
  rule: PackageRule,
  specifier: string,
  inTests: boolean,
): string | undefined {
  const packageName = packageNameOf(specifier);
  if (packageName === name) return undefined;
  if (packageName.startsWith("@irlkit/")) {
    const allowed = [...rule.internal, ...(inTests ? (rule.internalInTests ?? []) : [])];
    if (!allowed.includes(packageName)) {
      return `${name} must not depend on ${packageName} (allowed: ${allowed.length > 0 ? allowed.join(", ") : "no workspace packages"}; see docs/architecture.md)`;
    }
    return undefined;
  }
  if (
    name !== "@irlkit/nn" &&
    tensorLibraryPrefixes.some((prefix) => packageName.startsWith(prefix))
  ) {
    return `${name} must not import ${packageName}: only @irlkit/nn knows the tensor library`;
  }
  if (
    rule.external !== undefined &&
    !inTests &&
    !rule.external.some((prefix) => packageName.startsWith(prefix))
  ) {
    return `${name} must not import third-party ${packageName} (it has no runtime dependencies)`;
  }
  return undefined;
}

/** Module specifiers imported or re-exported by a source file (static and dynamic). */
export function importsOf(sourceText: string): string[] {
  return ts.preProcessFile(sourceText, true, true).importedFiles.map((file) => file.fileName);
}

function packageNameOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

function listDirectories(directory: string): string[] {
  try {
    return readdirSync(directory).filter((entry) => statSync(join(directory, entry)).isDirectory());
  } catch {
    return [];
  }
}

function listFiles(directory: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry === "node_modules" || entry === "dist") continue;
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}
