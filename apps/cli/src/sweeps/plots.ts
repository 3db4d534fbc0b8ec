/**
 * The report's plots as Vega-Lite specs, rendered to SVG in Node by Vega itself (no browser, no
 * canvas: Vega's SVG renderer writes the markup, `renderer: "none"` skips the scenegraph drawing).
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface CurvePoint {
  configuration: string;
  env: string;
  step: number;
  mean: number;
  lower: number;
  upper: number;
}

/** Mean learning curve per configuration with the band between the seeds' lowest and highest. */
export function learningCurvesSpec(points: readonly CurvePoint[], metric: string): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Learning curves: ${metric} (mean over seeds; band: lowest to highest seed)`,
    data: { values: points as unknown as Record<string, unknown>[] },
    facet: { row: { field: "env", type: "nominal", title: null } },
    spec: {
      width: 520,
      height: 220,
      layer: [
        {
          mark: { type: "errorband", opacity: 0.2 },
          encoding: {
            x: { field: "step", type: "quantitative", title: "env steps" },
            y: { field: "lower", type: "quantitative", title: metric },
            y2: { field: "upper" },
            color: { field: "configuration", type: "nominal" },
          },
        },
        {
          mark: { type: "line" },
          encoding: {
            x: { field: "step", type: "quantitative" },
            y: { field: "mean", type: "quantitative" },
            color: {
              field: "configuration",
              type: "nominal",
              legend: { orient: "bottom", columns: 1, labelLimit: 600 },
            },
          },
        },
      ],
    },
    resolve: { scale: { y: "independent" } },
  } as TopLevelSpec;
}

export interface ProfilePoint {
  method: string;
  threshold: number;
  fraction: number;
  lower: number;
  upper: number;
}

/** rliable's performance profiles: fraction of runs above τ, with stratified bootstrap bands. */
export function performanceProfilesSpec(
  points: readonly ProfilePoint[],
  score: string,
): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Performance profiles (fraction of runs with score > τ; 95% stratified bootstrap band)",
    width: 520,
    height: 260,
    data: { values: points as unknown as Record<string, unknown>[] },
    layer: [
      {
        mark: { type: "errorband", opacity: 0.2, interpolate: "step-after" },
        encoding: {
          x: { field: "threshold", type: "quantitative", title: `τ (${score})` },
          y: {
            field: "lower",
            type: "quantitative",
            title: "fraction of runs with score > τ",
            scale: { domain: [0, 1] },
          },
          y2: { field: "upper" },
          color: { field: "method", type: "nominal" },
        },
      },
      {
        mark: { type: "line", interpolate: "step-after" },
        encoding: {
          x: { field: "threshold", type: "quantitative" },
          y: { field: "fraction", type: "quantitative" },
          color: {
            field: "method",
            type: "nominal",
            legend: { orient: "bottom", columns: 1, labelLimit: 600 },
          },
        },
      },
    ],
  } as TopLevelSpec;
}

export interface IntervalPoint {
  configuration: string;
  statistic: string;
  estimate: number;
  lower: number;
  upper: number;
}

/** Point estimates with their 95% intervals, one panel per statistic (IQM, mean). */
export function intervalEstimatesSpec(
  points: readonly IntervalPoint[],
  score: string,
): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Interval estimates of ${score} (95%)`,
    data: { values: points as unknown as Record<string, unknown>[] },
    facet: { column: { field: "statistic", type: "nominal", title: null } },
    spec: {
      width: 260,
      layer: [
        {
          mark: { type: "rule", strokeWidth: 6, opacity: 0.4 },
          encoding: {
            y: { field: "configuration", type: "nominal", title: null, axis: { labelLimit: 400 } },
            x: { field: "lower", type: "quantitative", title: score, scale: { zero: false } },
            x2: { field: "upper" },
          },
        },
        {
          mark: { type: "tick", thickness: 2 },
          encoding: {
            y: { field: "configuration", type: "nominal" },
            x: { field: "estimate", type: "quantitative" },
          },
        },
      ],
    },
    resolve: { scale: { x: "independent" } },
  } as TopLevelSpec;
}
