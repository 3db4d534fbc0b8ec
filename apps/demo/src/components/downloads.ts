/**
 * Saving what a page trained, in the files the CLI and the library load:
 *
 * - `policy.json` — `savePolicy` of `@irlkit/rl` as JSON text (what `irlkit train` writes; load it
 *   with `loadPolicy` or `irlkit eval --policy`);
 * - `reward.json` — a reward model's `toJSON()` (load with `loadRewardModel` of `@irlkit/rewards`);
 * - `state-rewards.json` — a tabular IRL run's reward per state, an array of numbers (what
 *   `irlkit train maxent|mce|deep-maxent` writes beside reward.json);
 * - `policy.onnx` / `reward.onnx` — `exportPolicyToOnnx` / `exportRewardToOnnx` of `@irlkit/onnx`
 *   with the env id in the metadata (what `irlkit export --onnx` writes; a reward is exported as
 *   its evaluation variant, as the CLI does).
 *
 * Workers train the models, so pages pass the saved documents (`savePolicy(policy)`,
 * `reward.toJSON()`) to the main thread; a policy document is rebuilt here only to export it.
 */
import type { SavedRewardModel } from "@irlkit/rewards";
import { loadPolicy, type SavedPolicy } from "@irlkit/rl";

/** A model a page can offer for download. */
export type DownloadableModel =
  | { kind: "policy"; saved: SavedPolicy; envId: string }
  | { kind: "reward"; saved: SavedRewardModel; envId: string }
  | { kind: "state-rewards"; stateRewards: readonly number[]; envId: string };

export type DownloadFormat = "json" | "onnx";

export interface DownloadFile {
  name: string;
  mimeType: string;
  contents: string | Uint8Array;
}

/** The JSON text of a model, as the CLI writes it (two-space indent, trailing newline). */
export function modelJsonText(model: DownloadableModel): string {
  const document = model.kind === "state-rewards" ? Array.from(model.stateRewards) : model.saved;
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Why a model has no ONNX form, or undefined when it has one. */
export function onnxUnavailableReason(model: DownloadableModel): string | undefined {
  if (model.kind === "state-rewards") {
    return "a table of rewards per state has no ONNX form; save it as JSON";
  }
  if (model.kind === "policy" && model.saved.kind === "tabular") {
    return "a tabular policy is a table of probabilities; save it as JSON";
  }
  return undefined;
}

/**
 * The ONNX bytes of a model (`@irlkit/onnx` is imported on first use: it is only needed when a
 * visitor asks for the file).
 * @throws Error when the model has no ONNX form (see `onnxUnavailableReason`).
 */
export async function modelOnnxBytes(model: DownloadableModel): Promise<Uint8Array> {
  const unavailable = onnxUnavailableReason(model);
  if (unavailable !== undefined) throw new Error(`Cannot export to ONNX: ${unavailable}.`);
  const onnx = await import("@irlkit/onnx");
  if (model.kind === "reward") {
    return onnx.exportRewardToOnnx(model.saved, { envId: model.envId, variant: "evaluation" });
  }
  if (model.kind !== "policy") throw new Error("unreachable");
  const policy = loadPolicy(model.saved);
  try {
    return onnx.exportPolicyToOnnx(policy, { envId: model.envId });
  } finally {
    policy.dispose();
  }
}

/** The file a download writes: `policy.json`, `reward.onnx`, `state-rewards.json`, … */
export async function modelFile(
  model: DownloadableModel,
  format: DownloadFormat,
): Promise<DownloadFile> {
  const base = model.kind;
  if (format === "json") {
    return { name: `${base}.json`, mimeType: "application/json", contents: modelJsonText(model) };
  }
  return {
    name: `${base}.onnx`,
    mimeType: "application/octet-stream",
    contents: await modelOnnxBytes(model),
  };
}

/** Hands a file to the browser's download (an object URL on a temporary `<a download>`). */
export function saveFile(file: DownloadFile): void {
  const blob = new Blob(
    [typeof file.contents === "string" ? file.contents : new Uint8Array(file.contents)],
    { type: file.mimeType },
  );
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = file.name;
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
