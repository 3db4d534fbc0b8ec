/**
 * The AIRL paper's ants (Fu, Luo, Levine 2018; justinjfu/inverse_rl `envs/ant_env.py`): the
 * Gymnasium-era ant with friction 1.5 instead of 1, small "eye" and "eyebrow" capsules on the
 * torso (they have mass and collide, so they are kept), and a configurable gear. The disabled ant
 * (`DisabledAnt-v0`, the transfer target) has its two back legs (3 and 4) at half length — thighs
 * 0.1 instead of 0.2, ankles 0.2 instead of 0.4 along each axis — and gear 1 on their four
 * motors, and lists its motors hip_1 first (the healthy ant lists hip_4 first, as Gymnasium's).
 * The eye coordinates are inverse_rl's Python sums written out (0.07 − 0.03 = 0.04000000000000001).
 * Timestep 0.01 s, RK4, density 5, margin 0.01, damping and armature 1 on the leg joints.
 */
export function customAntXml(gear: number, disabled: boolean): string {
  const thigh = disabled ? 0.1 : 0.2;
  const ankle = disabled ? 0.2 : 0.4;
  const motor = (joint: string, jointGear: number) =>
    `    <motor joint="${joint}" gear="${jointGear}" ctrllimited="true" ctrlrange="-1 1"/>`;
  const motors = disabled
    ? [
        motor("hip_1", gear),
        motor("ankle_1", gear),
        motor("hip_2", gear),
        motor("ankle_2", gear),
        motor("hip_3", 1),
        motor("ankle_3", 1),
        motor("hip_4", 1),
        motor("ankle_4", 1),
      ]
    : ["hip_4", "ankle_4", "hip_1", "ankle_1", "hip_2", "ankle_2", "hip_3", "ankle_3"].map(
        (joint) => motor(joint, gear),
      );
  return `<mujoco model="irlkit-${disabled ? "disabled" : "custom"}-ant">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.01" integrator="RK4"/>
  <default>
    <joint limited="true" damping="1" armature="1"/>
    <geom conaffinity="0" condim="3" density="5" friction="1.5 0.5 0.5" margin="0.01"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" size="40 40 40" pos="0 0 0" conaffinity="1" condim="3"/>
    <body name="torso" pos="0 0 0.75">
      <geom name="torso_geom" type="sphere" size="0.25" pos="0 0 0"/>
      <joint name="root" type="free" pos="0 0 0" limited="false" damping="0" armature="0" margin="0.01"/>
      <geom name="eye1" type="capsule" size="0.03" fromto="0.07 0 0.1 0.07 -0.21 0.1"/>
      <geom name="eye1_" type="capsule" size="0.02" fromto="0.07 0 0.1 0.07 -0.22999999999999998 0.1"/>
      <geom name="eye2" type="capsule" size="0.03" fromto="-0.07 0 0.1 -0.07 -0.21 0.1"/>
      <geom name="eye2_" type="capsule" size="0.02" fromto="-0.07 0 0.1 -0.07 -0.22999999999999998 0.1"/>
      <geom name="brow1" type="capsule" size="0.02" fromto="0.04000000000000001 -0.21 0.17 0.1 -0.21 0.2"/>
      <geom name="brow2" type="capsule" size="0.02" fromto="-0.04000000000000001 -0.21 0.17 -0.1 -0.21 0.2"/>
      <body name="front_left_leg" pos="0 0 0">
        <geom name="aux_1_geom" type="capsule" size="0.08" fromto="0 0 0 0.2 0.2 0"/>
        <body name="aux_1" pos="0.2 0.2 0">
          <joint name="hip_1" type="hinge" axis="0 0 1" pos="0 0 0" range="-30 30"/>
          <geom name="left_leg_geom" type="capsule" size="0.08" fromto="0 0 0 0.2 0.2 0"/>
          <body pos="0.2 0.2 0">
            <joint name="ankle_1" type="hinge" axis="-1 1 0" pos="0 0 0" range="30 70"/>
            <geom name="left_ankle_geom" type="capsule" size="0.08" fromto="0 0 0 0.4 0.4 0"/>
          </body>
        </body>
      </body>
      <body name="front_right_leg" pos="0 0 0">
        <geom name="aux_2_geom" type="capsule" size="0.08" fromto="0 0 0 -0.2 0.2 0"/>
        <body name="aux_2" pos="-0.2 0.2 0">
          <joint name="hip_2" type="hinge" axis="0 0 1" pos="0 0 0" range="-30 30"/>
          <geom name="right_leg_geom" type="capsule" size="0.08" fromto="0 0 0 -0.2 0.2 0"/>
          <body pos="-0.2 0.2 0">
            <joint name="ankle_2" type="hinge" axis="1 1 0" pos="0 0 0" range="-70 -30"/>
            <geom name="right_ankle_geom" type="capsule" size="0.08" fromto="0 0 0 -0.4 0.4 0"/>
          </body>
        </body>
      </body>
      <body name="back_left_leg" pos="0 0 0">
        <geom name="aux_3_geom" type="capsule" size="0.08" fromto="0 0 0 -0.2 -0.2 0"/>
        <body name="aux_3" pos="-0.2 -0.2 0">
          <joint name="hip_3" type="hinge" axis="0 0 1" pos="0 0 0" range="-30 30"/>
          <geom name="backleft_leg_geom" type="capsule" size="0.08" fromto="0 0 0 -${thigh} -${thigh} 0"/>
          <body pos="-${thigh} -${thigh} 0">
            <joint name="ankle_3" type="hinge" axis="-1 1 0" pos="0 0 0" range="-70 -30"/>
            <geom name="backleft_ankle_geom" type="capsule" size="0.08" fromto="0 0 0 -${ankle} -${ankle} 0"/>
          </body>
        </body>
      </body>
      <body name="back_right_leg" pos="0 0 0">
        <geom name="aux_4_geom" type="capsule" size="0.08" fromto="0 0 0 0.2 -0.2 0"/>
        <body name="aux_4" pos="0.2 -0.2 0">
          <joint name="hip_4" type="hinge" axis="0 0 1" pos="0 0 0" range="-30 30"/>
          <geom name="backright_leg_geom" type="capsule" size="0.08" fromto="0 0 0 ${thigh} -${thigh} 0"/>
          <body pos="${thigh} -${thigh} 0">
            <joint name="ankle_4" type="hinge" axis="1 1 0" pos="0 0 0" range="30 70"/>
            <geom name="backright_ankle_geom" type="capsule" size="0.08" fromto="0 0 0 ${ankle} -${ankle} 0"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
${motors.join("\n")}
  </actuator>
</mujoco>
`;
}
