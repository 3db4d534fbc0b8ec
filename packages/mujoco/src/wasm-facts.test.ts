// Facts about the MuJoCo WebAssembly build (@mujoco/mujoco 3.14.0) that the envs rely on; the
// README's "The wasm build" section reports them. Each test would fail if the build changed.
import type { MjData, MjModel } from "@mujoco/mujoco";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HALF_CHEETAH_XML } from "./models/half-cheetah-xml.js";
import { HOPPER_XML } from "./models/hopper-xml.js";
import { loadMujoco, type MujocoModule } from "./mujoco-module.js";

let mujoco: MujocoModule;
let model: MjModel;
let data: MjData;

beforeAll(async () => {
  mujoco = await loadMujoco();
  model = mujoco.MjModel.from_xml_string(HALF_CHEETAH_XML);
  data = new mujoco.MjData(model);
});

afterAll(() => {
  data.delete();
  model.delete();
});

/** The size of the module's heap (every view's buffer is the heap). */
function heapBytes(): number {
  return (data.qpos as Float64Array).buffer.byteLength;
}

describe("the MuJoCo wasm build", () => {
  it("exposes array fields as zero-copy Float64Array views, a new view object on every access", () => {
    const first = data.qpos as Float64Array;
    const second = data.qpos as Float64Array;
    expect(first).toBeInstanceOf(Float64Array);
    expect(first).not.toBe(second);
    expect(first.buffer).toBe(second.buffer);
    first[3] = 0.25;
    expect(second[3]).toBe(0.25); // same memory
    mujoco.mj_resetData(model, data);
    expect(first[3]).toBe(0); // and the simulator writes through it
  });

  it("detaches earlier views when an allocation grows the heap", () => {
    const view = data.qvel as Float64Array;
    expect(view.length).toBe(9);
    const before = heapBytes();
    const extra: MjData[] = [];
    // Each HalfCheetah MjData reserves a 6 MiB arena: a few of them grow the heap.
    while (heapBytes() === before && extra.length < 64) extra.push(new mujoco.MjData(model));
    expect(heapBytes()).toBeGreaterThan(before);
    expect(view.length).toBe(0); // the old view is detached: reads give undefined, writes vanish
    expect(view[0]).toBeUndefined();
    expect((data.qvel as Float64Array).length).toBe(9); // a fresh view works
    for (const item of extra) item.delete();
  });

  it("reserves the model's arena (narena) for every MjData; <size memory> sets it", () => {
    // nstack 300000 (Gymnasium's HalfCheetah) compiles to a 6 MiB arena.
    expect(model.narena).toBe(6 * 1024 * 1024);
    const small = mujoco.MjModel.from_xml_string(
      HALF_CHEETAH_XML.replace('<size nstack="300000"/>', '<size memory="1M"/>'),
    );
    expect(small.narena).toBe(1024 * 1024);
    small.delete();
  });

  it("has no multi-step mj_step: frame skip is a loop", () => {
    expect(() => (mujoco.mj_step as (...args: unknown[]) => void)(model, data, 5)).toThrow(
      /called with 3 arguments, expected 2/,
    );
  });

  it("returns data.contact as a copy that does not follow the simulation", () => {
    mujoco.mj_resetData(model, data);
    for (let i = 0; i < 100; i++) mujoco.mj_step(model, data); // the cheetah lands
    expect(data.ncon).toBeGreaterThan(0);
    const copy = data.contact;
    const other = data.contact;
    expect(copy).not.toBe(other);
    expect(copy.size()).toBe(data.ncon);
    const contact = copy.get(0)!;
    const distance = contact.dist;
    contact.delete();
    for (let i = 0; i < 20; i++) mujoco.mj_step(model, data);
    const later = copy.get(0)!;
    expect(later.dist).toBe(distance); // stale: the copy was taken before the steps
    later.delete();
    copy.delete();
    other.delete();
  });

  it("leaks the copy's memory unless it is deleted (0.4–0.6 KiB per contact per access, measured through heap growth)", () => {
    mujoco.mj_resetData(model, data);
    for (let i = 0; i < 100; i++) mujoco.mj_step(model, data);
    const contacts = data.ncon;
    expect(contacts).toBeGreaterThan(0);
    // Warm up the allocator, then access with delete: the heap does not grow.
    for (let i = 0; i < 1000; i++) data.contact.delete();
    let before = heapBytes();
    for (let i = 0; i < 20_000; i++) data.contact.delete();
    expect(heapBytes()).toBe(before);
    // Without delete every access keeps its copy: the heap grows by the copies' size.
    before = heapBytes();
    const calls = 20_000;
    for (let i = 0; i < calls; i++) void data.contact;
    const leakedPerContact = (heapBytes() - before) / calls / contacts;
    // Bytes; the heap grows in steps, so this is a coarse measure (387 with 2 contacts here,
    // 622 with Ant's 4 over 100k accesses).
    expect(leakedPerContact).toBeGreaterThan(300);
    expect(leakedPerContact).toBeLessThan(1500);
  });

  it("adds the two geoms' margins for a contact (MuJoCo >= 3.5; before, the larger one)", () => {
    // Hopper's geoms all have margin 0.001: its foot-floor contacts activate at 0.002.
    const hopper = mujoco.MjModel.from_xml_string(HOPPER_XML);
    const hopperData = new mujoco.MjData(hopper);
    expect(Array.from(hopper.geom_margin as Float64Array)).toEqual([
      0.001, 0.001, 0.001, 0.001, 0.001,
    ]);
    for (let i = 0; i < 500; i++) mujoco.mj_step(hopper, hopperData); // the hopper lands
    const contacts = hopperData.contact;
    expect(contacts.size()).toBeGreaterThan(0);
    for (let i = 0; i < contacts.size(); i++) {
      const contact = contacts.get(i)!;
      expect(contact.includemargin).toBeCloseTo(0.002, 15);
      contact.delete();
    }
    contacts.delete();
    hopperData.delete();
    hopper.delete();
  });
});
