/**
 * The one place that loads h5wasm (an optional peer dependency, imported on first use so the main
 * entry never pays for its 4 MB of inlined wasm) and moves bytes in and out of its in-memory file
 * system, so the same code reads and writes HDF5 in Node, browsers and workers.
 *
 * h5wasm's traps handled here: HDF5 prints its error stack to stderr and returns invalid ids
 * unless the throwing error handler is active, so it is switched on for the duration of each of
 * our (synchronous) calls and off again afterwards; h5py's booleans come back as `Int8Array` and
 * int64 as `BigInt64Array` (see `read-array.ts`).
 */
import { describeValue, ValidationError } from "@irlkit/core";
import type * as H5Wasm from "h5wasm";

/** h5wasm's high-level API (classes) and its initialised emscripten module (FS, error handlers). */
export interface H5Module {
  api: typeof H5Wasm;
  module: Awaited<typeof H5Wasm.ready>;
}
export type H5Group = H5Wasm.Group;
export type H5Dataset = H5Wasm.Dataset;
export type H5File = H5Wasm.File;
export type H5Attribute = H5Wasm.Attribute;

let loading: Promise<H5Module> | undefined;
let counter = 0;

/** Imports h5wasm once and waits for its wasm module. */
export function loadH5wasm(): Promise<H5Module> {
  loading ??= import("h5wasm").then(
    async (api) => ({ api, module: await api.ready }),
    (error: unknown) => {
      loading = undefined;
      throw new Error(
        `@irlkit/samplers/hdf5 needs the optional peer dependency h5wasm (^0.10.3): install it with \`npm install h5wasm\`. (${error instanceof Error ? error.message : String(error)})`,
      );
    },
  );
  return loading;
}

/** Opens `bytes` read-only, runs `read` on the file and closes it; HDF5 errors name `file`. */
export function readHdf5<T>(
  h5: H5Module,
  bytes: Uint8Array,
  file: string,
  read: (root: H5File) => T,
): T {
  if (!(bytes instanceof Uint8Array)) {
    throw new ValidationError(
      "contents",
      "the file's bytes as a Uint8Array",
      describeValue(bytes),
      {
        file,
      },
    );
  }
  const path = `/irlkit-read-${++counter}.h5`;
  const { api, module } = h5;
  const fs = module.FS;
  fs.writeFile(path, bytes);
  module.activate_throwing_error_handler();
  let handle: H5File | undefined;
  try {
    try {
      handle = new api.File(path, "r");
    } catch (error) {
      throw new ValidationError("contents", "a readable HDF5 file", hdf5Problem(error), { file });
    }
    return read(handle);
  } catch (error) {
    // An HDF5 failure while reading objects (a corrupt header or chunk); anything else — our own
    // ValidationErrors included, whose messages may quote HDF5 — propagates unchanged.
    if (!(error instanceof ValidationError) && isHdf5Error(error)) {
      throw new ValidationError("contents", "a readable HDF5 file", hdf5Problem(error), { file });
    }
    throw error;
  } finally {
    try {
      handle?.close();
    } catch {
      // The file is unusable anyway; the error that matters is already on its way.
    }
    module.deactivate_throwing_error_handler();
    fs.unlink(path);
  }
}

/**
 * Creates an empty HDF5 file, lets `write` fill it, and returns its bytes. The file format is
 * pinned to HDF5 1.10's (`libver = ("v110", "v110")`): its object headers carry checksums, so a
 * corrupted header fails to open, and every HDF5 ≥ 1.10 (h5py since 2.8) reads it.
 */
export function writeHdf5(h5: H5Module, write: (root: H5File) => void): Uint8Array {
  const path = `/irlkit-write-${++counter}.h5`;
  const { api, module } = h5;
  const fs = module.FS;
  module.activate_throwing_error_handler();
  try {
    const handle = new api.File(path, "w", { track_order: true, libver: ["v110", "v110"] });
    try {
      write(handle);
    } finally {
      handle.close();
    }
    return new Uint8Array(fs.readFile(path));
  } finally {
    module.deactivate_throwing_error_handler();
    try {
      fs.unlink(path);
    } catch {
      // Nothing was created.
    }
  }
}

/** Errors raised by the HDF5 library through h5wasm (its error stack, or h5wasm's own messages). */
export function isHdf5Error(error: unknown): boolean {
  const message = error instanceof Error ? error.message : typeof error === "string" ? error : "";
  return /HDF5|not supported|not a recognized dtype/.test(message);
}

/**
 * The most specific line of HDF5's error stack (e.g. `truncated file: eof = 100, ...`), or the
 * message of any other error.
 */
export function hdf5Problem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split("\n")
    .map((line) => /#\d+:.* in [\w]+\(\): (.*)$/.exec(line)?.[1])
    .filter((line): line is string => line !== undefined);
  const last = lines[lines.length - 1];
  return last === undefined ? message.split("\n")[0]!.slice(0, 300) : `HDF5 error: ${last}`;
}
