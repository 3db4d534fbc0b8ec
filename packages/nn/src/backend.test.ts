import { beforeAll, describe, expect, test } from "vitest";
import { backendInfo, initBackend, tf } from "./index.js";

beforeAll(async () => {
  await initBackend();
});

describe("initBackend", () => {
  test("selects wasm in Node, loading the .wasm files from the installed package", async () => {
    const info = await initBackend();
    expect(info.name).toBe("wasm");
    expect(info.requested).toBe("wasm");
    expect(info.platform).toBe("node");
    expect(info.fallbackReason).toBeUndefined();
    expect(tf.getBackend()).toBe("wasm");
    expect(String(info.wasmPaths)).toMatch(/^file:\/\/.*@tensorflow\/tfjs-backend-wasm\/dist\/$/);
    expect(backendInfo()).toEqual(info);
    // The wasm backend computes.
    const product = tf.tidy(() =>
      tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync(),
    );
    expect(Array.from(product)).toEqual([11]);
  });

  test("is idempotent: the same options give the same result without re-initialising", async () => {
    const first = initBackend();
    const second = initBackend();
    expect(second).toBe(first);
    expect(await second).toBe(await first);
    expect(tf.getBackend()).toBe("wasm");
  });

  test("switches backends on request and back", async () => {
    const cpu = await initBackend({ backend: "cpu" });
    expect(cpu.name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    const wasm = await initBackend({ backend: "wasm" });
    expect(wasm.name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
  });

  test("re-initialises when the backend was changed behind its back", async () => {
    await initBackend();
    await tf.setBackend("cpu");
    const info = await initBackend();
    expect(info.name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
  });

  test("rejects an unknown backend name, listing the allowed ones", async () => {
    await expect(initBackend({ backend: "gpu" as never })).rejects.toThrow(
      /options\.backend must be one of "wasm", "cpu", "webgl", "tensorflow", "auto"; found "gpu"/,
    );
    expect(tf.getBackend()).toBe("wasm");
  });

  test("explains that webgl needs a browser", async () => {
    await expect(initBackend({ backend: "webgl" })).rejects.toThrow(
      /"webgl" backend needs a browser; in Node use "wasm" or "tensorflow" \(install @tensorflow\/tfjs-node\)/,
    );
    expect(tf.getBackend()).toBe("wasm");
  });

  test("names the package to install when tfjs-node is requested but cannot load", async (context) => {
    let info: Awaited<ReturnType<typeof initBackend>> | undefined;
    try {
      info = await initBackend({ backend: "tensorflow" });
    } catch (error) {
      expect(String(error)).toMatch(
        /"tensorflow" backend is not available: @tensorflow\/tfjs-node could not be loaded \(.+\)\. Install @tensorflow\/tfjs-node@4\.22\.0/,
      );
      expect(tf.getBackend()).toBe("wasm");
      return;
    }
    // A machine with a working tfjs-node: it is used, then we go back to wasm.
    expect(info.name).toBe("tensorflow");
    await initBackend();
    context.skip();
  });
});
