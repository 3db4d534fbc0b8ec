/**
 * A MuJoCo planar robot seen from the side on a 2-D canvas: each capsule geom as a thick segment
 * with round caps (its two end points and radius, from the simulator's geom positions and
 * orientations), the floor as a ground line with a tick every half metre, and the camera following
 * the torso's x so a running robot stays in view while the ground scrolls under it.
 */

const FONT = "12px system-ui, sans-serif";
const SMALL_FONT = "10px system-ui, sans-serif";

export interface SideViewOptions {
  /** This frame's segments, `[x1, z1, x2, z2]` per geom in metres (world x forward, z up). */
  segments: ArrayLike<number> | undefined;
  /** Each geom's radius (m), in the order of `segments`. */
  radii: readonly number[];
  /** The world x at the canvas's centre (the torso's). */
  cameraX: number;
  colour: string;
  /** The line at the top left. */
  label: string;
  /** @default 110 pixels per metre */
  pixelsPerMetre?: number;
}

export function drawSideView(canvas: HTMLCanvasElement, options: SideViewOptions): void {
  const context = canvas.getContext("2d");
  if (context === null) return;
  const { width, height } = canvas;
  const scale = options.pixelsPerMetre ?? 110;
  const groundY = height - 34;
  const screenX = (x: number) => width / 2 + (x - options.cameraX) * scale;
  const screenY = (z: number) => groundY - z * scale;
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  context.fillStyle = "#ecebe6";
  context.fillRect(0, groundY, width, height - groundY);
  context.strokeStyle = "#777";
  context.lineWidth = 1.5;
  context.beginPath();
  context.moveTo(0, groundY);
  context.lineTo(width, groundY);
  context.stroke();
  // Ticks every 0.5 m and a distance label every 5 m, fixed to the world, so the ground moves.
  const halfWidth = width / 2 / scale;
  context.font = SMALL_FONT;
  context.fillStyle = "#444";
  context.lineWidth = 1;
  for (
    let tick = Math.floor((options.cameraX - halfWidth) / 0.5);
    tick * 0.5 <= options.cameraX + halfWidth;
    tick++
  ) {
    const x = screenX(tick * 0.5);
    const major = tick % 10 === 0;
    context.beginPath();
    context.moveTo(x, groundY);
    context.lineTo(x, groundY + (major ? 10 : 5));
    context.stroke();
    if (major) context.fillText(`${tick * 0.5} m`, x + 2, groundY + 22);
  }
  const segments = options.segments;
  if (segments !== undefined) {
    context.strokeStyle = options.colour;
    context.lineCap = "round";
    for (let geom = 0; geom < options.radii.length; geom++) {
      context.lineWidth = Math.max(2, 2 * options.radii[geom]! * scale);
      context.beginPath();
      context.moveTo(screenX(segments[4 * geom]!), screenY(segments[4 * geom + 1]!));
      context.lineTo(screenX(segments[4 * geom + 2]!), screenY(segments[4 * geom + 3]!));
      context.stroke();
    }
    context.lineCap = "butt";
  }
  context.fillStyle = "#333";
  context.font = FONT;
  context.fillText(options.label, 8, 16);
}
