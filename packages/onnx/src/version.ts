import manifest from "../package.json" with { type: "json" };

/**
 * The version of `@irlkit/onnx` written into every exported model (`irlkit.version`), read from the
 * package's own package.json (published with it), so `changeset version` needs no extra edit.
 */
export const IRLKIT_ONNX_VERSION: string = manifest.version;
