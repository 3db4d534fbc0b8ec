import { expect, test } from "vitest";
import { initBackend, tf } from "./index.js";

// Its own file (its own process): the wasm paths can be set only once per process.
test("falls back to cpu when the wasm binaries cannot be loaded, recording why", async () => {
  const missing = "file:///nonexistent/irlkit-wasm/";
  await expect(initBackend({ wasmPaths: missing, fallback: false })).rejects.toThrow(
    /"wasm" backend failed to initialise \(could its \.wasm files be loaded from file:\/\/\/nonexistent\/irlkit-wasm\/\?\)/,
  );
  const info = await initBackend({ wasmPaths: missing });
  expect(info.name).toBe("cpu");
  expect(info.requested).toBe("wasm");
  expect(info.fallbackReason).toMatch(/"wasm" backend failed to initialise/);
  expect(tf.getBackend()).toBe("cpu");
});
