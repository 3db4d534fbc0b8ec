/**
 * A page's settings in the URL's hash (`#/playground?world=gridworld&slip=0.1`), so a view can be
 * shared and survives a reload. `replaceState` changes the address without a `hashchange` or a
 * history entry per tweak.
 */

/** The settings after `?` in the hash, or none. */
export function readHashSettings(): URLSearchParams {
  const hash = window.location.hash;
  const question = hash.indexOf("?");
  return new URLSearchParams(question < 0 ? "" : hash.slice(question + 1));
}

/** Writes `settings` after the current route in the hash (the route itself is kept). */
export function writeHashSettings(settings: Record<string, string>): void {
  const hash = window.location.hash;
  const question = hash.indexOf("?");
  const route = question < 0 ? hash : hash.slice(0, question);
  const query = new URLSearchParams(settings).toString();
  const next = `${route || "#/"}${query === "" ? "" : `?${query}`}`;
  if (next !== hash) window.history.replaceState(null, "", next);
}

/** A number setting from the hash, when it is present, finite and within [min, max]. */
export function numberSetting(
  settings: URLSearchParams,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const text = settings.get(key);
  if (text === null || text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= min && value <= max ? value : undefined;
}

/** A setting from the hash when it is one of `allowed`. */
export function choiceSetting<T extends string>(
  settings: URLSearchParams,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const text = settings.get(key);
  return allowed.find((choice) => choice === text);
}
