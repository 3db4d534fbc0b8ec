/** The model viewer page in Chromium (see src/testing/browser.ts). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "@irlkit/core";
import { make } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { exportRewardToOnnx } from "@irlkit/onnx";
import { MlpReward } from "@irlkit/rewards";
import { beforeAll, describe, expect, it } from "vitest";
import { demo, outputDirectory, screenshotPath, setUpDemoBrowser } from "../testing/browser.js";

const browser = setUpDemoBrowser();
const fixturePath = join(outputDirectory, "fixture-cartpole-reward.onnx");

/** A small reward model exported with @irlkit/onnx, as a user would produce it. */
beforeAll(async () => {
  await initBackend();
  const env = make("CartPole-v1");
  const reward = new MlpReward({
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    inputs: { observation: true },
    hiddenSizes: [16],
    activation: "tanh",
    rng: new Rng(3).derive("fixture/reward"),
  });
  writeFileSync(fixturePath, exportRewardToOnnx(reward, { envId: "CartPole-v1" }));
  reward.dispose();
  env.close();
});

describe("model viewer page", () => {
  it("an ONNX reward exported with @irlkit/onnx loads from the file picker and renders", async () => {
    const { page, errors } = await browser.openPage("model-viewer");
    await page.setInputFiles('[data-input="onnx-file"]', fixturePath);
    await page.waitForFunction(
      () => {
        const status = window.__irlkitDemo.modelViewer?.status;
        return status === "rendered" || status === "error";
      },
      undefined,
      { timeout: 30_000 },
    );
    const data = (await demo(page)).modelViewer!;
    await page.screenshot({ path: screenshotPath("model-viewer-onnx"), fullPage: true });
    await page.close();
    expect(data.error).toBeUndefined();
    expect(data.status).toBe("rendered");
    expect(data.modelKind).toBe("reward");
    expect(data.slice).toHaveLength(48 * 48);
    expect(data.slice.every(Number.isFinite)).toBe(true);
    expect(Math.max(...data.slice) - Math.min(...data.slice)).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
