/**
 * The tfjs backend of the site (main thread and workers alike): tfjs-backend-wasm, single-threaded,
 * its binaries emitted by Vite as hashed assets next to the bundle. Without cross-origin isolation
 * the threaded build cannot run anyway, and under isolation it hangs when bundled by Vite, so it is
 * never shipped.
 */
import { type BackendInfo, initBackend } from "@irlkit/nn";
import wasmUrl from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import wasmSimdUrl from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";

export function initSiteBackend(): Promise<BackendInfo> {
  return initBackend({
    backend: "wasm",
    wasmThreads: false,
    wasmPaths: {
      "tfjs-backend-wasm.wasm": absolute(wasmUrl),
      "tfjs-backend-wasm-simd.wasm": absolute(wasmSimdUrl),
    },
  });
}

function absolute(url: string): string {
  return new URL(url, self.location.href).href;
}
