import { useState } from "react";
import {
  type DownloadableModel,
  type DownloadFormat,
  modelFile,
  onnxUnavailableReason,
  saveFile,
} from "./downloads.js";

export interface DownloadButtonsProps {
  /** What the buttons save; undefined (nothing trained yet) disables them. */
  model: DownloadableModel | undefined;
  /** Names the model in the buttons ("learned reward", "policy"). */
  label: string;
}

/**
 * "Save … (JSON)" and "Save … (ONNX)" buttons for a trained model (see downloads.ts for the
 * formats). `data-download="KIND-FORMAT"` lets tests find them.
 */
export function DownloadButtons({ model, label }: DownloadButtonsProps) {
  const [message, setMessage] = useState<string | undefined>(undefined);
  const onnxReason = model === undefined ? undefined : onnxUnavailableReason(model);
  const save = async (format: DownloadFormat) => {
    if (model === undefined) return;
    try {
      const file = await modelFile(model, format);
      saveFile(file);
      setMessage(`Saved ${file.name}.`);
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    }
  };
  const kind = model?.kind ?? "model";
  return (
    <div className="downloads">
      <button
        type="button"
        data-download={`${kind}-json`}
        disabled={model === undefined}
        onClick={() => void save("json")}
      >
        Save {label} (JSON)
      </button>
      <button
        type="button"
        data-download={`${kind}-onnx`}
        disabled={model === undefined || onnxReason !== undefined}
        title={onnxReason}
        onClick={() => void save("onnx")}
      >
        Save {label} (ONNX)
      </button>
      {onnxReason !== undefined ? <span className="hint">No ONNX: {onnxReason}.</span> : null}
      <span className="hint" role="status">
        {message ?? ""}
      </span>
    </div>
  );
}
