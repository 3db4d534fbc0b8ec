/** The arithmetic mean of `values`, or `NaN` when there are none (a metric with no data). */
export function mean(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return values.length > 0 ? total / values.length : Number.NaN;
}
