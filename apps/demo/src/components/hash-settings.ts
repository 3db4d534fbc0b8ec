/**
 * A page's settings in the URL's hash (`#/playground?world=gridworld&slip=0.1`), so a view can be
 * shared and survives a reload. `replaceState` changes the address without a `hashchange` or a
 * history entry per tweak. A copy per route in `sessionStorage` brings the settings back after a
 * switch to another page and back (the nav's links carry no settings).
 */

const STORAGE_PREFIX = "irlkit-demo-settings:";

function splitHash(hash: string): { route: string; query: string } {
  const question = hash.indexOf("?");
  return question < 0
    ? { route: hash, query: "" }
    : { route: hash.slice(0, question), query: hash.slice(question + 1) };
}

function stored(route: string): string {
  try {
    return window.sessionStorage.getItem(STORAGE_PREFIX + route) ?? "";
  } catch {
    // Storage can be unavailable (privacy modes); the URL still works.
    return "";
  }
}

/** The settings after `?` in the hash, else the ones this route last had in this tab, or none. */
export function readHashSettings(): URLSearchParams {
  const { route, query } = splitHash(window.location.hash);
  return new URLSearchParams(query !== "" ? query : stored(route));
}

/** Writes `settings` after the current route in the hash (the route itself is kept). */
export function writeHashSettings(settings: Record<string, string>): void {
  const hash = window.location.hash;
  const { route } = splitHash(hash);
  const query = new URLSearchParams(settings).toString();
  const next = `${route || "#/"}${query === "" ? "" : `?${query}`}`;
  if (next !== hash) window.history.replaceState(null, "", next);
  try {
    window.sessionStorage.setItem(STORAGE_PREFIX + route, query);
  } catch {
    // See `stored`.
  }
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
