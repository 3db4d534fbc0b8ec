import { Rng, ValidationError } from "@irlkit/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  decodeBase64,
  decodeFloat32,
  encodeBase64,
  encodeFloat32,
  initBackend,
  loadMlp,
  loadMlpFromJson,
  Mlp,
  parseJsonDocument,
  saveMlp,
  saveMlpToJson,
  tf,
} from "./index.js";

let mlp: Mlp;
beforeAll(async () => {
  await initBackend({ fallback: false });
  mlp = new Mlp(
    { sizes: [3, 5, 2], activations: ["leakyRelu", "tanh"], leakyReluAlpha: 0.2 },
    new Rng(1),
  );
});
afterAll(() => mlp.dispose());

interface EditableManifest {
  [key: string]: unknown;
  architecture: Record<string, unknown>;
  tensors?: Record<string, unknown>[];
}

const bits = (array: Float32Array) =>
  Array.from(new Uint32Array(array.buffer, array.byteOffset, array.length));

describe("saving and loading an Mlp", () => {
  test("round trips bit-exactly through bytes and through the single JSON document", () => {
    const saved = saveMlp(mlp);
    expect(saved.weights.byteLength).toBe(4 * mlp.parameterCount);
    const viaBytes = loadMlp({
      json: JSON.parse(JSON.stringify(saved.json)),
      weights: saved.weights,
    });
    const viaJson = loadMlpFromJson(saveMlpToJson(mlp));
    for (const loaded of [viaBytes, viaJson]) {
      expect(loaded.architecture).toEqual(mlp.architecture);
      const [a, b] = [mlp.getWeights(), loaded.getWeights()];
      a.kernels.forEach((kernel, i) => {
        expect(bits(b.kernels[i]!)).toEqual(bits(kernel));
      });
      a.biases.forEach((bias, i) => {
        expect(bits(b.biases[i]!)).toEqual(bits(bias));
      });
      const x = tf.tensor2d([[0.1, -2, 3]]);
      expect(tf.tidy(() => loaded.apply(x).dataSync())).toEqual(
        tf.tidy(() => mlp.apply(x).dataSync()),
      );
      x.dispose();
      loaded.dispose();
    }
    expect(saved.json.tensors[0]).toEqual({
      name: "layers.0.kernel",
      shape: [3, 5],
      dtype: "float32",
      byteOffset: 0,
      byteLength: 60,
    });
  });

  const corrupt = (edit: (json: EditableManifest) => void) => {
    const saved = saveMlp(mlp);
    const json = JSON.parse(JSON.stringify(saved.json));
    edit(json);
    return () => loadMlp({ json, weights: saved.weights });
  };

  test.each([
    [
      "format",
      (j: EditableManifest) => {
        j.format = "keras";
      },
      'format: expected "irlkit.mlp", found "keras"',
    ],
    [
      "version",
      (j: EditableManifest) => {
        j.version = 2;
      },
      "version: expected 1, found 2",
    ],
    [
      "byteOrder",
      (j: EditableManifest) => {
        j.byteOrder = "bigEndian";
      },
      'byteOrder: expected "littleEndian", found "bigEndian"',
    ],
    [
      "unknown key",
      (j: EditableManifest) => {
        j.code = "alert(1)";
      },
      "json.code: expected no such key",
    ],
    [
      "missing key",
      (j: EditableManifest) => {
        delete j.tensors;
      },
      "json.tensors: expected a value, found a missing key",
    ],
    [
      "architecture key",
      (j: EditableManifest) => {
        j.architecture.dropout = 0.1;
      },
      "architecture.dropout: expected no such key",
    ],
    [
      "sizes",
      (j: EditableManifest) => {
        j.architecture.sizes = [3, -5, 2];
      },
      "architecture.sizes[1]: expected a positive integer, found -5",
    ],
    [
      "activation",
      (j: EditableManifest) => {
        j.architecture.activations = ["relu", "softmax"];
      },
      'architecture.activations[1]: expected one of "relu"',
    ],
    [
      "alpha",
      (j: EditableManifest) => {
        j.architecture.leakyReluAlpha = "0.2";
      },
      'architecture.leakyReluAlpha: expected a finite number >= 0, found "0.2"',
    ],
    [
      "tensor shape",
      (j: EditableManifest) => {
        j.tensors![0]!.shape = [5, 3];
      },
      "tensors[0].shape: expected [3,5], found [5,3]",
    ],
    [
      "tensor offset",
      (j: EditableManifest) => {
        j.tensors![1]!.byteOffset = 0;
      },
      "tensors[1].byteOffset: expected 60, found 0",
    ],
    [
      "tensor count",
      (j: EditableManifest) => {
        j.tensors!.pop();
      },
      "tensors: expected an array of 4 tensor entries",
    ],
  ])("rejects a bad %s", (_name, edit, message) => {
    const load = corrupt(edit);
    expect(load).toThrow(ValidationError);
    expect(load).toThrow(message);
  });

  test("rejects weight bytes of the wrong length or with non-finite values", () => {
    const saved = saveMlp(mlp);
    expect(() => loadMlp({ json: saved.json, weights: saved.weights.subarray(4) })).toThrow(
      "weights: expected 128 bytes (32 float32 values for sizes [3, 5, 2]), found 124 bytes",
    );
    const weights = saved.weights.slice();
    new DataView(weights.buffer).setFloat32(4 * 7, Number.NaN, true);
    expect(() => loadMlp({ json: saved.json, weights })).toThrow(
      "weights[layers.0.kernel][7]: expected a finite float32, found NaN",
    );
  });

  test("the JSON form rejects bad JSON and bad base64", () => {
    expect(() => loadMlpFromJson("{not json")).toThrow(
      /document: expected valid JSON, found a parse error/,
    );
    expect(() => loadMlpFromJson("[]")).toThrow(
      "document: expected a JSON object, found an array of length 0",
    );
    const document = JSON.parse(saveMlpToJson(mlp));
    expect(() => loadMlpFromJson({ ...document, weightsBase64: 42 })).toThrow(
      "weightsBase64: expected a base64 string, found 42",
    );
    expect(() =>
      loadMlpFromJson({ ...document, weightsBase64: `ab*${document.weightsBase64.slice(3)}` }),
    ).toThrow(/weightsBase64: expected base64 characters .*, found "\*" at index 2$/);
  });

  test("base64 matches the standard encoding for every padding length", () => {
    for (const text of ["", "f", "fo", "foo", "foob", "fooba", "foobar"]) {
      const bytes = new TextEncoder().encode(text);
      const encoded = encodeBase64(bytes);
      expect(encoded).toBe(btoa(text));
      expect(decodeBase64(encoded)).toEqual(bytes);
    }
  });
});

describe("float32 codec and JSON documents", () => {
  test("float32 values as little-endian base64 (1.0 = 00 00 80 3F, -2.5 = 00 00 20 C0)", () => {
    expect(encodeFloat32([1, -2.5])).toBe("AACAPwAAIMA=");
    expect(Array.from(decodeFloat32("AACAPwAAIMA=", 2, "weights"))).toEqual([1, -2.5]);
  });

  test("decodeFloat32 rejects the wrong count and non-finite values, naming the field", () => {
    expect(() => decodeFloat32("AACAPwAAIMA=", 3, "weights")).toThrow(
      new ValidationError("weights", "3 float32 values (12 bytes)", "8 bytes"),
    );
    expect(() => decodeFloat32(encodeFloat32([0, Number.NaN]), 2, "weights")).toThrow(
      new ValidationError("weights[1]", "a finite float32", "NaN"),
    );
    expect(() => decodeFloat32(7, 1, "weights")).toThrow(ValidationError);
  });

  test("parseJsonDocument parses text, passes plain data through, and names bad JSON", () => {
    expect(parseJsonDocument('{"a":[1,2]}')).toEqual({ a: [1, 2] });
    const object = { a: 1 };
    expect(parseJsonDocument(object)).toBe(object);
    expect(() => parseJsonDocument("{")).toThrow(/document/);
  });
});
