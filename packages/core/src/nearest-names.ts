/** Levenshtein distance between two strings (insertions, deletions and substitutions cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

export interface NearestNamesOptions {
  /** At most this many suggestions. @default 3 */
  limit?: number;
  /** Suggest only names within this edit distance. @default max(2, ⌊name length / 3⌋) */
  maxDistance?: number;
}

/**
 * The candidates closest to `name` by case-insensitive edit distance, best first (ties in
 * alphabetical order): "did you mean …?" suggestions for unknown ids, keys and commands.
 */
export function nearestNames(
  name: string,
  candidates: readonly string[],
  options: NearestNamesOptions = {},
): string[] {
  const target = name.toLowerCase();
  const maxDistance = options.maxDistance ?? Math.max(2, Math.floor(target.length / 3));
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(target, candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= maxDistance)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, options.limit ?? 3)
    .map(({ candidate }) => candidate);
}
