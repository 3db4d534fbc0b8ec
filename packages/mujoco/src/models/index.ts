import { ANT_XML } from "./ant-xml.js";
import { HALF_CHEETAH_XML } from "./half-cheetah-xml.js";
import { HOPPER_XML } from "./hopper-xml.js";
import { INVERTED_PENDULUM_XML } from "./inverted-pendulum-xml.js";
import { SWIMMER_XML } from "./swimmer-xml.js";
import { WALKER2D_V4_XML, WALKER2D_XML } from "./walker2d-xml.js";

export { ANT_XML } from "./ant-xml.js";
export { HALF_CHEETAH_XML } from "./half-cheetah-xml.js";
export { HOPPER_XML } from "./hopper-xml.js";
export { INVERTED_PENDULUM_XML } from "./inverted-pendulum-xml.js";
export { SWIMMER_XML } from "./swimmer-xml.js";
export { WALKER2D_V4_XML, WALKER2D_XML } from "./walker2d-xml.js";

/** One MJCF model of the package and the Gymnasium asset whose physical parameters it follows. */
export interface ModelFile {
  name: string;
  xml: string;
  /** The file in Gymnasium's `gymnasium/envs/mujoco/assets/`. */
  gymnasiumAsset: string;
}

/** Every model of the package, for the comparison script and the model tests. */
export const modelFiles: readonly ModelFile[] = [
  { name: "HalfCheetah", xml: HALF_CHEETAH_XML, gymnasiumAsset: "half_cheetah.xml" },
  { name: "Hopper", xml: HOPPER_XML, gymnasiumAsset: "hopper.xml" },
  { name: "InvertedPendulum", xml: INVERTED_PENDULUM_XML, gymnasiumAsset: "inverted_pendulum.xml" },
  { name: "Walker2d", xml: WALKER2D_XML, gymnasiumAsset: "walker2d_v5.xml" },
  { name: "Walker2d (v4 model)", xml: WALKER2D_V4_XML, gymnasiumAsset: "walker2d.xml" },
  { name: "Swimmer", xml: SWIMMER_XML, gymnasiumAsset: "swimmer.xml" },
  { name: "Ant", xml: ANT_XML, gymnasiumAsset: "ant.xml" },
];
