/**
 * `PlannerWorkspace`: reusable memory for the exact planners, and the WebAssembly SIMD kernel that
 * runs in it (decision 0015). A 3.9 kB module compiled from assembly/mce-kernel.ts and embedded as
 * base64 (mce-kernel-bytes.ts), compiled synchronously on first use (under browsers' main-thread
 * limit of 4 kB), with no download and no `node:` import.
 *
 * Why a workspace: a 128×128 grid with H = 256 needs 134 MB of policy and 2 × 34 MB of values and
 * occupancies per MCE step, and the first write to freshly allocated memory costs the operating
 * system a page fault per 4 kB — about 135 ms a step on the benchmark machine, more than the
 * arithmetic. A workspace keeps one WebAssembly memory and hands out views of it.
 */
import type { TabularMdp } from "@irlkit/envs";
import { MCE_KERNEL_WASM_BASE64 } from "./mce-kernel-bytes.js";
import { type TransitionBlocks, transitionBlocks } from "./transition-blocks.js";

interface KernelExports {
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
    gathered: number,
    exp2Table: number,
    logTable: number,
    inverseTable: number,
  ): void;
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

let compiled: WebAssembly.Module | null | undefined;

function compiledModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const text = atob(MCE_KERNEL_WASM_BASE64);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** True when this runtime compiles the planners' WebAssembly SIMD kernel. */
export function plannerKernelAvailable(): boolean {
  return typeof WebAssembly === "object" && compiledModule() !== null;
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
/** Bytes of the tables: 2^(j/64) (64 f64), log(1 + j/128) and 1/(1 + j/128) (128 f64 each). */
const TABLE_BYTES = (64 + 128 + 128) * 8;

/** Where the MDP's data sit in the memory (see assembly/mce-kernel.ts for the layout). */
interface MdpLayout {
  mdp: TabularMdp;
  start: number;
  successors: number;
  backward: number;
  forward: number;
  terminal: number;
  scratch: number;
  gathered: number;
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

  constructor() {
    const module = typeof WebAssembly === "object" ? compiledModule() : null;
    this.available = module !== null;
    if (module === null) return;
    this.#memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.#memory } });
    this.#kernel = instance.exports as unknown as KernelExports;
    this.#writeTables();
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
    const { stateCount: S, actionCount: A } = mdp;
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
      layout.gathered,
      0,
      64 * 8,
      (64 + 128) * 8,
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
    }
    const perStep = new Float64Array(buffer, perStepAt, (horizon + 1) * S);
    perStep.fill(0, S);
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
    this.#layout = this.#upload(mdp, blocks);
    return this.#layout;
  }

  /** Copies the MDP's blocks in, each state's successors padded to an even count. */
  #upload(mdp: TabularMdp, blocks: TransitionBlocks): MdpLayout | undefined {
    const { stateCount: S, actionCount: A, terminalStates } = mdp;
    const paddedActions = (A + 1) & ~1;
    const paddedStart = new Int32Array(S + 1);
    let largest = paddedActions;
    for (let s = 0; s < S; s++) {
      const size = blocks.stateStart[s + 1]! - blocks.stateStart[s]!;
      paddedStart[s + 1] = paddedStart[s]! + ((size + 1) & ~1);
      largest = Math.max(largest, size + 1);
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
    const gathered = take((largest + 2) * 8);
    if (!this.#reserve(offset)) return undefined;
    const buffer = this.#memory!.buffer;
    new Int32Array(buffer, start, S + 1).set(paddedStart);
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
      // The padding successor repeats the last one with probability 0 in every action.
      for (let u = 0; u < paddedSize; u++) {
        successorView[padded + u] = blocks.successors[begin + Math.min(u, size - 1)]!;
      }
      for (let a = 0; a < A; a++) {
        for (let u = 0; u < size; u++) {
          const p = blocks.probabilities[begin * A + a * size + u]!;
          backwardView[(padded + u) * paddedActions + a] = p;
          forwardView[padded * A + a * paddedSize + u] = p;
        }
      }
    }
    if (terminalStates !== undefined) new Uint8Array(buffer, terminal, S).set(terminalStates);
    return { mdp, start, successors, backward, forward, terminal, scratch, gathered, end: offset };
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

  #writeTables(): void {
    const tables = new Float64Array(this.#memory!.buffer, 0, TABLE_BYTES / 8);
    for (let j = 0; j < 64; j++) tables[j] = 2 ** (j / 64);
    for (let j = 0; j < 128; j++) {
      tables[64 + j] = Math.log(1 + j / 128);
      tables[64 + 128 + j] = 1 / (1 + j / 128);
    }
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
