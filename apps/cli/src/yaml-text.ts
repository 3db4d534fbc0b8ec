/**
 * YAML as the CLI reads it (config files, `--set` values): YAML 1.2's core schema without its
 * hexadecimal and octal integers, so `0x10` and `0o17` stay text and a setting refuses them instead
 * of reading 16 and 15. Browser-safe.
 */
import { parse as parseYaml } from "yaml";

export function parseYamlText(text: string): unknown {
  return parseYaml(text, {
    // Unknown tags (`!!js/function`) become plain values the settings refuse, without a warning.
    logLevel: "error",
    customTags: (tags) =>
      tags.filter(
        (tag) => typeof tag !== "object" || (tag.format !== "HEX" && tag.format !== "OCT"),
      ),
  });
}

/** The first line of a YAML error (the library appends a multi-line excerpt of the text). */
export function yamlProblem(error: unknown): string {
  const line = (error instanceof Error ? error.message : String(error))
    .split("\n")[0]!
    .trim()
    .replace(/:$/, "");
  // The parser recurses per nesting level: thousands of `[` overflow the stack.
  return line.replace(
    /^Maximum call stack size exceeded/,
    "expected nesting a few levels deep, found nesting deeper than the YAML reader supports",
  );
}

/** `text` cut to `length` characters for a message (a long value is not repeated in full). */
export function excerpt(text: string, length = 60): string {
  return text.length <= length ? text : `${text.slice(0, length)}… (${text.length} characters)`;
}
