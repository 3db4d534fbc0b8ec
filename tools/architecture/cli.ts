// `pnpm lint` runs this: prints every import that breaks docs/architecture.md's dependency table.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkArchitecture } from "./check.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const violations = checkArchitecture(root);
if (violations.length > 0) {
  console.error(`Architecture check failed (${violations.length}):`);
  for (const violation of violations) console.error(`  ${violation.file}: ${violation.message}`);
  process.exit(1);
}
console.log("Architecture check passed: every import follows docs/architecture.md.");
