/**
 * `PlannerWorkspace`: reusable memory for the exact planners, and the WebAssembly SIMD kernel that
 * runs in it (decision 0015): two modules sharing the memory, the backward sweep
 * (assembly/mce-kernel.ts, embedded as base64 in mce-kernel-bytes.ts) and the occupancy sweep
 * (assembly/mce-forward.ts, mce-forward-bytes.ts), each under browsers' 4 kB limit for
 * synchronous compilation, compiled on first use, with no download and no `node:` import.
 *
 * Why a workspace: a 128×128 grid with H = 256 needs 134 MB of policy and 2 × 34 MB of values and
 * occupancies per MCE step, and the first write to freshly allocated memory costs the operating
 * system a page fault per 4 kB — about 135 ms a step on the benchmark machine, more than the
 * arithmetic. A workspace keeps one WebAssembly memory and hands out views of it.
 */
import type { TabularMdp } from "@irlkit/envs";
import { MCE_FORWARD_WASM_BASE64 } from "./mce-forward-bytes.js";
import { MCE_KERNEL_WASM_BASE64 } from "./mce-kernel-bytes.js";
import { reachableSteps } from "./reachable-steps.js";
import { type TransitionBlocks, transitionBlocks } from "./transition-blocks.js";

interface BackwardExports {
  softBackups(
    S: number,
    A: number,
    H: number,
    start: number,
    successors: number,
    backward: number,
    reward: number,
    stateAction: number,
    terminal: number,
    discount: number,
    values: number,
    policy: number,
    qValues: number,
    scratch: number,
    pairs: number,
    sums: number,
    fineTable: number,
    logTable: number,
    inverseTable: number,
    constants: number,
    reach: number,
  ): void;
  /** Test hook: x ← e^x in place (the kernel's exponential), `count` (even) values at `at`. */
  exponentials(at: number, count: number, fineTable: number, constants: number): void;
  /** Test hook: x ← log x in place (the kernel's logarithm), `count` (even) values at `at`. */
  logarithms(
    at: number,
    count: number,
    logTable: number,
    inverseTable: number,
    constants: number,
  ): void;
}

interface ForwardExports {
  occupancyFlows(
    S: number,
    A: number,
    H: number,
    start: number,
    successors: number,
    forward: number,
    terminal: number,
    policy: number,
    stationary: number,
    perStep: number,
    total: number,
    discount: number,
  ): void;
}

type KernelExports = BackwardExports & ForwardExports;

let compiled: { backward: WebAssembly.Module; forward: WebAssembly.Module } | null | undefined;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function compiledModules(): { backward: WebAssembly.Module; forward: WebAssembly.Module } | null {
  if (compiled === undefined) {
    try {
      compiled = {
        backward: new WebAssembly.Module(decode(MCE_KERNEL_WASM_BASE64)),
        forward: new WebAssembly.Module(decode(MCE_FORWARD_WASM_BASE64)),
      };
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** True when this runtime compiles the planners' WebAssembly SIMD kernel. */
export function plannerKernelAvailable(): boolean {
  return typeof WebAssembly === "object" && compiledModules() !== null;
}

/** Which sweeps the planners run without a workspace of the caller's. */
export type PlannerKernels = "wasm" | "javascript";

let selected: PlannerKernels | undefined;
let shared: WeakRef<PlannerWorkspace> | undefined;

/** `"wasm"` where WebAssembly SIMD is available (the default), else `"javascript"`. */
export function plannerKernels(): PlannerKernels {
  selected ??= plannerKernelAvailable() ? "wasm" : "javascript";
  return selected;
}

/**
 * Chooses the sweeps `softValueIteration` and `occupancyMeasure` run when no `workspace` is passed
 * (benchmarks and tests compare both); a passed workspace always runs the kernel. Throws when
 * `"wasm"` is asked for and SIMD is unavailable.
 */
export function setPlannerKernels(kernels: PlannerKernels): void {
  if (kernels !== "wasm" && kernels !== "javascript") {
    throw new RangeError(`setPlannerKernels: expected "wasm" or "javascript"; found ${kernels}.`);
  }
  if (kernels === "wasm" && !plannerKernelAvailable()) {
    throw new Error("setPlannerKernels: this runtime cannot compile WebAssembly SIMD.");
  }
  selected = kernels;
}

/**
 * The workspace the planners use when the caller passes none (they copy the results out): held
 * weakly, so it lasts through a synchronous run of calls and the garbage collector frees it
 * after. Undefined where WebAssembly SIMD is unavailable or `setPlannerKernels("javascript")`.
 */
export function sharedWorkspace(): PlannerWorkspace | undefined {
  if (plannerKernels() !== "wasm") return undefined;
  let workspace = shared?.deref();
  if (workspace === undefined) {
    workspace = new PlannerWorkspace();
    shared = new WeakRef(workspace);
  }
  return workspace;
}

const PAGE = 65536;
// The tables and constants at the start of the memory (see assembly/mce-kernel.ts).
/** 2^(j/2048), j = 0..2047: the exponential's table. */
const FINE_TABLE_AT = 0;
/** log(1 + j/128) and 1/(1 + j/128), j = 0..127: the logarithm's tables. */
const LOG_TABLE_AT = FINE_TABLE_AT + 2048 * 8;
const INVERSE_TABLE_AT = LOG_TABLE_AT + 128 * 8;
/** The kernel's K_* constants, each in both lanes of a v128, in the kernel's order. */
const CONSTANTS_AT = INVERSE_TABLE_AT + 128 * 8;
/** f64 constants by their v128 slot; the integer ones are in KERNEL_INTEGER_CONSTANTS. */
const KERNEL_FLOAT_CONSTANTS: ReadonlyArray<readonly [slot: number, value: number]> = [
  [0, 2048 / Math.LN2],
  [1, 1.5 * 2 ** 52],
  // ln 2 = LN2_HIGH + LN2_LOW (fdlibm's split: LN2_HIGH has 32 significant bits), over 2048.
  [2, 0.6931471803691238 / 2048],
  [3, 1.9082149292705877e-10 / 2048],
  [6, 1],
  [7, 0.5],
  [8, 1 / 6],
  [9, -708],
  [10, -746],
  [11, 708],
  [12, Math.exp(-708)],
  [13, -745.2],
  [16, 1 / 128],
  [17, 1023],
  [18, Math.LN2],
  [19, -1 / 2],
  [20, 1 / 3],
  [21, -1 / 4],
  [22, 1 / 5],
  [23, -1 / 6],
  [24, 1 / 7],
  [25, -1 / 8],
];
const KERNEL_INTEGER_CONSTANTS: ReadonlyArray<readonly [slot: number, value: bigint]> = [
  [4, 2047n],
  [5, 0x3ff0000000000000n],
  [14, 0x000fffffffffffffn],
  [15, 127n],
];
const CONSTANT_SLOTS = 26;
const TABLE_BYTES = CONSTANTS_AT + CONSTANT_SLOTS * 16;

/** Where the MDP's data sit in the memory (see assembly/mce-kernel.ts for the layout). */
interface MdpLayout {
  mdp: TabularMdp;
  start: number;
  successors: number;
  backward: number;
  forward: number;
  terminal: number;
  scratch: number;
  /** pairs[s] = 1 where states s and s + 1 are planned together (u8). */
  pairs: number;
  /** Per-step scratch for Σ_a e^(Q − max), S + 2 f64. */
  sums: number;
  /** First free byte after the MDP's data. */
  end: number;
}

/** The arrays of one soft value iteration in the workspace. */
export interface WorkspaceBackups {
  values: Float64Array;
  policy: Float64Array;
  qValues: Float64Array | undefined;
}

/**
 * Reusable memory for `softValueIteration` and `occupancyMeasure` (their `workspace` option):
 * with one, they run the WebAssembly SIMD kernel in this workspace's memory and return **views of
 * it** — `values`, `policy`, `qValues` and `perStep` are overwritten by the next call that uses
 * the same workspace (and detached if it has to grow), so copy (`slice()`) what must outlive it.
 * Pass the `policy` of `softValueIteration(..., { workspace })` straight to
 * `occupancyMeasure(..., { workspace })`: it is read in place, without a copy or a second check.
 *
 * One workspace serves one computation at a time; it remembers the last MDP it was given (its
 * transitions are copied in once). Where WebAssembly SIMD is unavailable (`available` false) the
 * planners ignore the workspace and allocate as without one.
 */
export class PlannerWorkspace {
  readonly available: boolean;
  #memory: WebAssembly.Memory | undefined;
  #kernel: KernelExports | undefined;
  #layout: MdpLayout | undefined;
  /** The policy view last written by `softBackups` (trusted by `occupancy`). */
  #policy: Float64Array | undefined;
  /** The first byte after the last `softBackups` results. */
  #backupsEnd = 0;
  /** Whose reachable steps sit at the layout's end (`reachableOccupancy`), if any's. */
  #reach: { mdp: TabularMdp; horizon: number } | undefined;

  constructor() {
    const modules = typeof WebAssembly === "object" ? compiledModules() : null;
    this.available = modules !== null;
    if (modules === null) return;
    this.#memory = new WebAssembly.Memory({ initial: 1 });
    const imports = { env: { memory: this.#memory } };
    this.#kernel = {
      ...(new WebAssembly.Instance(modules.backward, imports)
        .exports as unknown as BackwardExports),
      ...(new WebAssembly.Instance(modules.forward, imports).exports as unknown as ForwardExports),
    };
    writeTables(this.#memory.buffer);
  }

  /** Soft value iteration in the workspace (called by `softValueIteration`; inputs validated). */
  softBackups(
    mdp: TabularMdp,
    reward: Float64Array,
    stateAction: boolean,
    horizon: number,
    discount: number,
    keepQValues: boolean,
  ): WorkspaceBackups | undefined {
    const layout = this.#layoutFor(mdp);
    if (layout === undefined) return undefined;
    this.#reach = undefined;
    return this.#backups(layout, reward, stateAction, horizon, discount, keepQValues, 0);
  }

  /**
   * The occupancy of the maximum causal entropy policy for `reward` (called by
   * `maxCausalEntropyOccupancy`; inputs validated): the backward sweep plans only the (t, s) the
   * initial distribution reaches in t steps (`reachableSteps`, kept in the memory between calls
   * on the same MDP and horizon), then the forward sweep reads the policy in place. `total` is a
   * fresh array, `perStep` a view.
   */
  reachableOccupancy(
    mdp: TabularMdp,
    reward: Float64Array,
    stateAction: boolean,
    horizon: number,
    discount: number,
  ): { perStep: Float64Array; total: Float64Array } | undefined {
    const layout = this.#layoutFor(mdp);
    if (layout === undefined) return undefined;
    const S = mdp.stateCount;
    const reachAt = layout.end;
    if (this.#reach?.mdp !== mdp || this.#reach.horizon !== horizon) {
      const steps = reachableSteps(mdp, horizon, transitionBlocks(mdp)!);
      if (!this.#reserve(align(reachAt + horizon * S))) return undefined;
      new Uint8Array(this.#memory!.buffer, reachAt, horizon * S).set(steps);
      this.#reach = { mdp, horizon };
    }
    const resultsAt = { ...layout, end: align(reachAt + horizon * S) };
    const backups = this.#backups(
      resultsAt,
      reward,
      stateAction,
      horizon,
      discount,
      false,
      reachAt,
    );
    if (backups === undefined) return undefined;
    return this.occupancy(mdp, backups.policy, false, horizon, discount);
  }

  #backups(
    layout: MdpLayout,
    reward: Float64Array,
    stateAction: boolean,
    horizon: number,
    discount: number,
    keepQValues: boolean,
    reachAt: number,
  ): WorkspaceBackups | undefined {
    const { stateCount: S, actionCount: A } = layout.mdp;
    let offset = layout.end;
    const rewardAt = offset;
    offset = align(offset + (reward.length + 2) * 8);
    const valuesAt = offset;
    offset = align(offset + horizon * S * 8);
    const policyAt = offset;
    offset = align(offset + horizon * S * A * 8);
    const qValuesAt = keepQValues ? offset : 0;
    if (keepQValues) offset = align(offset + horizon * S * A * 8);
    // Room for the occupancy that usually follows, so that it does not grow (and detach) these.
    if (!this.#reserve(align(offset + (horizon + 1) * S * 8) + S * 8)) return undefined;
    this.#backupsEnd = offset;
    const buffer = this.#memory!.buffer;
    new Float64Array(buffer, rewardAt, reward.length).set(reward);
    this.#kernel!.softBackups(
      S,
      A,
      horizon,
      layout.start,
      layout.successors,
      layout.backward,
      rewardAt,
      stateAction ? 1 : 0,
      layout.terminal,
      discount,
      valuesAt,
      policyAt,
      qValuesAt,
      layout.scratch,
      layout.pairs,
      layout.sums,
      FINE_TABLE_AT,
      LOG_TABLE_AT,
      INVERSE_TABLE_AT,
      CONSTANTS_AT,
      reachAt,
    );
    const policy = new Float64Array(buffer, policyAt, horizon * S * A);
    this.#policy = policy;
    return {
      values: new Float64Array(buffer, valuesAt, horizon * S),
      policy,
      qValues: keepQValues ? new Float64Array(buffer, qValuesAt, horizon * S * A) : undefined,
    };
  }

  /** True if `policy` is the view the last `softBackups` returned (still attached). */
  ownsPolicy(policy: Float64Array): boolean {
    return policy === this.#policy && policy.buffer === this.#memory?.buffer;
  }

  /**
   * D_t for t = 0..H and Σ_t γ^t D_t in the workspace (called by `occupancyMeasure`; inputs
   * validated). A policy that is not this workspace's own is copied in over the last
   * `softBackups` results. `total` is a fresh array; `perStep` a view.
   */
  occupancy(
    mdp: TabularMdp,
    policy: Float64Array,
    stationary: boolean,
    horizon: number,
    discount: number,
  ): { perStep: Float64Array; total: Float64Array } | undefined {
    const layout = this.#layoutFor(mdp);
    if (layout === undefined) return undefined;
    const S = mdp.stateCount;
    const own = this.ownsPolicy(policy);
    const policyAt = own ? policy.byteOffset : layout.end;
    const perStepAt = own ? this.#backupsEnd : align(policyAt + policy.length * 8);
    const totalAt = align(perStepAt + (horizon + 1) * S * 8);
    if (!this.#reserve(totalAt + S * 8)) return undefined;
    const buffer = this.#memory!.buffer;
    if (!own) {
      new Float64Array(buffer, policyAt, policy.length).set(policy);
      this.#policy = undefined;
      this.#reach = undefined;
    }
    const perStep = new Float64Array(buffer, perStepAt, (horizon + 1) * S);
    perStep.set(mdp.initialStateDistribution, 0);
    const total = new Float64Array(buffer, totalAt, S);
    total.fill(0);
    this.#kernel!.occupancyFlows(
      S,
      mdp.actionCount,
      horizon,
      layout.start,
      layout.successors,
      layout.forward,
      layout.terminal,
      policyAt,
      stationary ? 1 : 0,
      perStepAt,
      totalAt,
      discount,
    );
    return { perStep, total: total.slice() };
  }

  #layoutFor(mdp: TabularMdp): MdpLayout | undefined {
    if (this.#kernel === undefined) return undefined;
    if (this.#layout?.mdp === mdp) return this.#layout;
    const blocks = transitionBlocks(mdp);
    if (blocks === undefined) return undefined;
    this.#layout = undefined;
    this.#policy = undefined;
    this.#reach = undefined;
    this.#layout = this.#upload(mdp, blocks);
    return this.#layout;
  }

  /**
   * Copies the MDP's blocks in, each state's successors padded to an even count, and marks the
   * pairs: walking s upwards, s and s + 1 pair when both are non-terminal with 4 actions and 4
   * successors each (after padding); a pair's backward block is interleaved, lane i of vector
   * 4u + a holding P(u-th successor | s + i, a), so that the kernel plans both in one vector.
   */
  #upload(mdp: TabularMdp, blocks: TransitionBlocks): MdpLayout | undefined {
    const { stateCount: S, actionCount: A, terminalStates } = mdp;
    const paddedActions = (A + 1) & ~1;
    const paddedStart = new Int32Array(S + 1);
    let largest = Math.max(paddedActions, 8);
    for (let s = 0; s < S; s++) {
      const size = blocks.stateStart[s + 1]! - blocks.stateStart[s]!;
      paddedStart[s + 1] = paddedStart[s]! + ((size + 1) & ~1);
      largest = Math.max(largest, size + 1);
    }
    const pairFlags = new Uint8Array(S);
    const pairable = (s: number) =>
      paddedStart[s + 1]! - paddedStart[s]! === 4 && terminalStates?.[s] !== 1;
    for (let s = 0; A === 4 && s + 1 < S; s++) {
      if (pairable(s) && pairable(s + 1)) pairFlags[s++] = 1;
    }
    const total = paddedStart[S]!;
    let offset = TABLE_BYTES;
    const take = (bytes: number): number => {
      const at = offset;
      offset = align(offset + bytes);
      return at;
    };
    const start = take((S + 1) * 4);
    const successors = take(total * 4);
    const backward = take(total * paddedActions * 8);
    const forward = take(total * A * 8);
    const terminal = terminalStates === undefined ? 0 : take(S);
    const scratch = take((largest + 2) * 8);
    const pairs = take(S);
    const sums = take((S + 2) * 8);
    if (!this.#reserve(offset)) return undefined;
    const buffer = this.#memory!.buffer;
    new Int32Array(buffer, start, S + 1).set(paddedStart);
    new Uint8Array(buffer, pairs, S).set(pairFlags);
    const successorView = new Int32Array(buffer, successors, total);
    const backwardView = new Float64Array(buffer, backward, total * paddedActions);
    const forwardView = new Float64Array(buffer, forward, total * A);
    backwardView.fill(0);
    forwardView.fill(0);
    for (let s = 0; s < S; s++) {
      const begin = blocks.stateStart[s]!;
      const size = blocks.stateStart[s + 1]! - begin;
      const padded = paddedStart[s]!;
      const paddedSize = paddedStart[s + 1]! - padded;
      // Lane 0 or 1 of an interleaved pair block (based at the first state's), or −1.
      const lane = pairFlags[s] === 1 ? 0 : s > 0 && pairFlags[s - 1] === 1 ? 1 : -1;
      // The padding successor repeats the last one with probability 0 in every action.
      for (let u = 0; u < paddedSize; u++) {
        successorView[padded + u] = blocks.successors[begin + Math.min(u, size - 1)]!;
      }
      for (let a = 0; a < A; a++) {
        for (let u = 0; u < size; u++) {
          const p = blocks.probabilities[begin * A + a * size + u]!;
          if (lane < 0) backwardView[(padded + u) * paddedActions + a] = p;
          else backwardView[(padded - 4 * lane) * 4 + (u * 4 + a) * 2 + lane] = p;
          forwardView[padded * A + a * paddedSize + u] = p;
        }
      }
    }
    if (terminalStates !== undefined) new Uint8Array(buffer, terminal, S).set(terminalStates);
    return {
      mdp,
      start,
      successors,
      backward,
      forward,
      terminal,
      scratch,
      pairs,
      sums,
      end: offset,
    };
  }

  /**
   * Grows the memory to at least `bytes` (which detaches every earlier view); false when it cannot
   * (past WebAssembly's 4 GiB), and the planners then run without the workspace.
   */
  #reserve(bytes: number): boolean {
    const memory = this.#memory!;
    if (bytes <= memory.buffer.byteLength) return true;
    try {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
    } catch {
      return false;
    }
    this.#policy = undefined;
    return true;
  }
}

/** Writes the kernel's tables and constants (TABLE_BYTES at the start of `buffer`). */
function writeTables(buffer: ArrayBuffer): void {
  const fine = new Float64Array(buffer, FINE_TABLE_AT, 2048);
  for (let j = 0; j < 2048; j++) fine[j] = 2 ** (j / 2048);
  const logs = new Float64Array(buffer, LOG_TABLE_AT, 128);
  const inverses = new Float64Array(buffer, INVERSE_TABLE_AT, 128);
  for (let j = 0; j < 128; j++) {
    logs[j] = Math.log(1 + j / 128);
    inverses[j] = 1 / (1 + j / 128);
  }
  const floats = new Float64Array(buffer, CONSTANTS_AT, CONSTANT_SLOTS * 2);
  for (const [slot, value] of KERNEL_FLOAT_CONSTANTS) floats.fill(value, 2 * slot, 2 * slot + 2);
  const integers = new BigInt64Array(buffer, CONSTANTS_AT, CONSTANT_SLOTS * 2);
  for (const [slot, value] of KERNEL_INTEGER_CONSTANTS)
    integers.fill(value, 2 * slot, 2 * slot + 2);
}

/**
 * The kernel's exponential (`"exp"`: any x ≤ 0, −∞ included, as the backward sweep calls it) or
 * logarithm (`"log"`: normal x > 0) of each of `values`, in a memory of its own; undefined without
 * WebAssembly SIMD. For tests (not exported by the package).
 */
export function kernelMath(kind: "exp" | "log", values: Float64Array): Float64Array | undefined {
  const modules = typeof WebAssembly === "object" ? compiledModules() : null;
  if (modules === null) return undefined;
  const count = values.length + (values.length & 1);
  const memory = new WebAssembly.Memory({
    initial: Math.ceil((TABLE_BYTES + count * 8) / PAGE),
  });
  const kernel = new WebAssembly.Instance(modules.backward, { env: { memory } })
    .exports as unknown as BackwardExports;
  writeTables(memory.buffer);
  const at = TABLE_BYTES;
  new Float64Array(memory.buffer, at, count).set(values);
  if (kind === "exp") kernel.exponentials(at, count, FINE_TABLE_AT, CONSTANTS_AT);
  else kernel.logarithms(at, count, LOG_TABLE_AT, INVERSE_TABLE_AT, CONSTANTS_AT);
  return new Float64Array(memory.buffer, at, values.length).slice();
}

function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
