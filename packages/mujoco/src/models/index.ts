import { HALF_CHEETAH_XML } from "./half-cheetah-xml.js";
import { HOPPER_XML } from "./hopper-xml.js";
import { INVERTED_PENDULUM_XML } from "./inverted-pendulum-xml.js";

export { HALF_CHEETAH_XML } from "./half-cheetah-xml.js";
export { HOPPER_XML } from "./hopper-xml.js";
export { INVERTED_PENDULUM_XML } from "./inverted-pendulum-xml.js";

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
];
