/**
 * Node-only helpers of `@irlkit/nn`. Import from `@irlkit/nn/node`; the main entry stays free of
 * `node:` modules so it runs in browsers and workers.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The three binaries of `@tensorflow/tfjs-backend-wasm` (plain, SIMD, threaded SIMD). */
export const WASM_FILE_NAMES = [
  "tfjs-backend-wasm.wasm",
  "tfjs-backend-wasm-simd.wasm",
  "tfjs-backend-wasm-threaded-simd.wasm",
] as const;

/** A wasm binary's file name. */
export type WasmFileName = (typeof WASM_FILE_NAMES)[number];

/**
 * Absolute paths of the `.wasm` files inside the installed `@tensorflow/tfjs-backend-wasm`, for
 * build scripts that copy them next to a web bundle (the browser then needs
 * `initBackend({ wasmPaths: "/where/they/are/" })`) or to check an installation.
 * @throws when the package or one of its binaries is missing.
 */
export function locateWasmFiles(): Record<WasmFileName, string> {
  const require = createRequire(import.meta.url);
  const directory = dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
  const files = {} as Record<WasmFileName, string>;
  for (const name of WASM_FILE_NAMES) {
    const path = join(directory, name);
    if (!existsSync(path)) {
      throw new Error(
        `@tensorflow/tfjs-backend-wasm is installed at ${directory} but ${name} is missing; reinstall the package.`,
      );
    }
    files[name] = path;
  }
  return files;
}
