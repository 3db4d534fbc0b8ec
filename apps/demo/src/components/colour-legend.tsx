import { viridisGradient } from "./canvas-drawing.js";

export interface ColourLegendProps {
  low: number;
  high: number;
  /** What the colours show ("reward − mean"). */
  label: string;
}

function tick(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 0.01 || magnitude >= 1e4)) return value.toExponential(1);
  return value.toFixed(2);
}

/** A viridis colour bar with its low, middle and high values (for `drawHeatmap` "viridis"). */
export function ColourLegend({ low, high, label }: ColourLegendProps) {
  return (
    <figure
      className="colour-legend"
      aria-label={`Colour scale: ${label} from ${tick(low)} (dark purple) to ${tick(high)} (yellow)`}
    >
      <div className="colour-bar" style={{ background: viridisGradient() }} />
      <div className="colour-ticks" aria-hidden="true">
        <span>{tick(low)}</span>
        <span>{tick((low + high) / 2)}</span>
        <span>{tick(high)}</span>
      </div>
      <figcaption>{label}</figcaption>
    </figure>
  );
}
