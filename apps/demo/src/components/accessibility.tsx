/**
 * Accessibility building blocks every page uses:
 *
 * - `StatusRegion`: the page's one-line status in an `aria-live="polite"` region, so screen
 *   readers announce "Running…", "Stopped after 40 steps", errors, without moving focus.
 * - `ActionButton`: a button that, while unavailable, is `aria-disabled` instead of `disabled`, so
 *   a Run button that disables itself when pressed keeps the keyboard focus (a `disabled` button
 *   drops it to `<body>`); clicks on it while unavailable do nothing.
 * - `describeValues`: a short text alternative for a canvas of numbers ("5×5 grid, −1.00 … 1.00,
 *   highest at (4, 4)").
 */
import type { ButtonHTMLAttributes, ReactNode } from "react";

export interface StatusRegionProps {
  /** Shown as `data-status` (tests and the error colour read it). */
  status: string;
  children: ReactNode;
}

/** The page's status line, announced politely by screen readers. */
export function StatusRegion({ status, children }: StatusRegionProps) {
  return (
    <p className="status" data-status={status} role="status" aria-live="polite" aria-atomic="true">
      {children}
    </p>
  );
}

export interface ActionButtonProps
  extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, "disabled" | "type"> {
  /** Unavailable: announced and styled as disabled, keeps focus, ignores clicks. */
  unavailable?: boolean;
}

/** A button that stays focusable while unavailable (see the module comment). */
export function ActionButton({ unavailable = false, onClick, ...rest }: ActionButtonProps) {
  return (
    <button
      {...rest}
      type="button"
      aria-disabled={unavailable ? "true" : undefined}
      onClick={(event) => {
        if (unavailable) {
          event.preventDefault();
          return;
        }
        onClick?.(event);
      }}
    />
  );
}

/**
 * A text alternative for a grid of values drawn on a canvas: its size, range and where the
 * highest value sits (cells are `values[y * width + x]`).
 */
export function describeValues(
  what: string,
  values: ArrayLike<number>,
  width: number,
  height: number,
): string {
  if (values.length === 0) return `${what}: nothing drawn yet.`;
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  let highest = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) continue;
    if (value > high) {
      high = value;
      highest = i;
    }
    low = Math.min(low, value);
  }
  if (low > high) return `${what}: ${width}×${height} grid with no finite values.`;
  const x = highest % width;
  const y = Math.floor(highest / width);
  return `${what}: ${width}×${height} grid, values ${formatNumber(low)} to ${formatNumber(high)}, highest at column ${x + 1}, row ${y + 1}.`;
}

function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 0.001 || magnitude >= 1e4)) return value.toExponential(2);
  return value.toFixed(3);
}
