// `pnpm test` runs this first: installs the system packages the tests need, or says how to.
import { aptRunner, ensureRequirements } from "./ensure.js";
import { requirements } from "./requirements.js";

const result = ensureRequirements(requirements, aptRunner());
for (const message of result.messages) process.stderr.write(`${message}\n`);
process.exit(result.ok ? 0 : 1);
