import { expect, test } from "vitest";
import { backendInfo, initBackend, tf } from "./index.js";

// Its own file (its own process): "auto" may switch to tfjs-node where it works.
test('"auto" prefers tfjs-node in Node and otherwise falls back to wasm, recording why', async () => {
  expect(backendInfo()).toBeUndefined();
  const info = await initBackend({ backend: "auto" });
  expect(info.requested).toBe("auto");
  expect(tf.getBackend()).toBe(info.name);
  if (info.name === "tensorflow") {
    expect(info.fallbackReason).toBeUndefined();
  } else {
    expect(info.name).toBe("wasm");
    expect(info.fallbackReason).toMatch(/@tensorflow\/tfjs-node/);
  }
});
