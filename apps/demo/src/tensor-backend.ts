/**
 * The tfjs backend of the site (main thread and workers alike): tfjs-backend-wasm, single-threaded,
 * its binaries emitted by Vite as hashed assets next to the bundle. Without cross-origin isolation
 * the threaded build cannot run anyway, and under isolation it hangs when bundled by Vite, so it is
 * never fetched (`wasmThreads: false`); its file is emitted only because tfjs's `setWasmPaths`
 * rejects a map that lacks it, and irlkit then falls back to the plain-JS cpu backend — which the
 * site ran on, unnoticed, until issue 19 (the adversarial discriminator 5× slower).
 */
import { type BackendInfo, initBackend } from "@irlkit/nn";
import wasmUrl from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import wasmSimdUrl from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";
import wasmThreadedSimdUrl from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url";

export function initSiteBackend(): Promise<BackendInfo> {
  return initBackend({
    backend: "wasm",
    wasmThreads: false,
    wasmPaths: {
      "tfjs-backend-wasm.wasm": absolute(wasmUrl),
      "tfjs-backend-wasm-simd.wasm": absolute(wasmSimdUrl),
      // Never fetched (threads are off), but tfjs's setWasmPaths refuses a map without all three
      // binaries — and irlkit then falls back to the plain-JS cpu backend, 5× slower here.
      "tfjs-backend-wasm-threaded-simd.wasm": absolute(wasmThreadedSimdUrl),
    },
  });
}

function absolute(url: string): string {
  return new URL(url, self.location.href).href;
}
