/**
 * The playground's settings: the worlds, sizes, demonstration counts, horizon bounds and IRL
 * algorithms it offers, and the URL (`#/playground?world=gridworld&size=5&cells=…`) they are read
 * from and written to.
 */
import { choiceSetting, numberSetting, readHashSettings } from "../../components/hash-settings.js";
import type { IrlAlgorithm } from "../../workers/irl-protocol.js";

export const SIZES = [4, 5, 6, 8] as const;
export const EPISODE_CHOICES = [50, 200, 500, 2000, 5000] as const;
export const HORIZON_MIN = 4;
export const HORIZON_MAX = 60;
export const REPORT_EVERY = 2;

export type WorldKind = "gridworld" | "objectworld";

export const ALGORITHMS: Record<
  IrlAlgorithm,
  { label: string; learningRate: number; maxIterations: number }
> = {
  maxent: { label: "MaxEnt IRL (linear, 2008)", learningRate: 0.05, maxIterations: 400 },
  mce: { label: "MCE IRL (linear, causal 2010)", learningRate: 0.05, maxIterations: 400 },
  "deep-maxent": { label: "Deep MaxEnt IRL (MLP)", learningRate: 0.01, maxIterations: 300 },
};

export function defaultCells(size: number): number[] {
  const cells = new Array<number>(size * size).fill(0);
  cells[size * size - 1] = 1;
  return cells;
}

// Cells in the URL: one character per cell, "0", "p" (+1) or "n" (−1).
export function encodeCells(cells: readonly number[]): string {
  return cells.map((value) => (value > 0 ? "p" : value < 0 ? "n" : "0")).join("");
}

export function decodeCells(text: string | null, size: number): number[] | undefined {
  if (text === null || text.length !== size * size || !/^[0pn]+$/.test(text)) return undefined;
  return [...text].map((character) => (character === "p" ? 1 : character === "n" ? -1 : 0));
}

/** The settings the page starts with: the URL's where valid, else the defaults. */
export function initialSettings() {
  const settings = readHashSettings();
  const worldKind = choiceSetting(settings, "world", ["gridworld", "objectworld"]) ?? "gridworld";
  const gridSize = choiceSetting(
    settings,
    "size",
    SIZES.map((size) => String(size)),
  );
  const size = gridSize === undefined ? 5 : Number(gridSize);
  const horizon = numberSetting(settings, "horizon", HORIZON_MIN, HORIZON_MAX);
  const episodes = choiceSetting(
    settings,
    "demos",
    EPISODE_CHOICES.map((count) => String(count)),
  );
  return {
    worldKind: worldKind as WorldKind,
    gridSize: size,
    cells: decodeCells(settings.get("cells"), size) ?? defaultCells(size),
    slip: numberSetting(settings, "slip", 0, 0.5) ?? 0.1,
    horizon: horizon !== undefined && Number.isInteger(horizon) ? horizon : 20,
    episodes: episodes === undefined ? 2000 : Number(episodes),
    algorithm:
      choiceSetting(settings, "algorithm", ["maxent", "mce", "deep-maxent"] as const) ?? "maxent",
  };
}

/** Checks the horizon box's text: a whole number in [HORIZON_MIN, HORIZON_MAX]. */
export function parseHorizon(text: string): { value: number } | { error: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) {
    return {
      error: `The horizon must be a whole number from ${HORIZON_MIN} to ${HORIZON_MAX}; "${text}" is not.`,
    };
  }
  const value = Number(trimmed);
  if (value < HORIZON_MIN || value > HORIZON_MAX) {
    return {
      error: `The horizon must be from ${HORIZON_MIN} to ${HORIZON_MAX} steps; ${value} is too ${value < HORIZON_MIN ? "small" : "large"}.`,
    };
  }
  return { value };
}
