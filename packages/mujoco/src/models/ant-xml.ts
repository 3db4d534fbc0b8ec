/**
 * The four-legged ant of Ant-v5. Every physical parameter (a sphere torso and capsule legs of
 * density 5, hip ranges ±30° and ankle ranges 30°–70°, damping and armature 1, gears 150, friction
 * 1 0.5 0.5, contact margin 0.01 on every geom and on the free joint, RK4 with timestep 0.01 s)
 * follows Gymnasium's `assets/ant.xml`; visual-only elements and the unused `init_qpos` numeric
 * are left out.
 *
 * Degrees of freedom: the torso's free joint (qpos: x, y, z, quaternion w x y z; qvel: 3 linear, 3
 * angular), then hip_1, ankle_1 (front left), hip_2, ankle_2 (front right), hip_3, ankle_3 (back),
 * hip_4, ankle_4 (right back). Eight motors with controls in [−1, 1], in the order hip_4, ankle_4,
 * hip_1, ankle_1, hip_2, ankle_2, hip_3, ankle_3 (Gymnasium's).
 */
export const ANT_XML = `<mujoco model="irlkit-ant">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.01" integrator="RK4"/>
  <default>
    <joint limited="true" damping="1" armature="1"/>
    <geom conaffinity="0" condim="3" density="5" friction="1 0.5 0.5" margin="0.01"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" size="40 40 40" pos="0 0 0" conaffinity="1" condim="3"/>
    <body name="torso" pos="0 0 0.75">
      <geom name="torso_geom" type="sphere" size="0.25" pos="0 0 0"/>
      <joint name="root" type="free" pos="0 0 0" limited="false" damping="0" armature="0" margin="0.01"/>
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
      <body name="back_leg" pos="0 0 0">
        <geom name="aux_3_geom" type="capsule" size="0.08" fromto="0 0 0 -0.2 -0.2 0"/>
        <body name="aux_3" pos="-0.2 -0.2 0">
          <joint name="hip_3" type="hinge" axis="0 0 1" pos="0 0 0" range="-30 30"/>
          <geom name="back_leg_geom" type="capsule" size="0.08" fromto="0 0 0 -0.2 -0.2 0"/>
          <body pos="-0.2 -0.2 0">
            <joint name="ankle_3" type="hinge" axis="-1 1 0" pos="0 0 0" range="-70 -30"/>
            <geom name="third_ankle_geom" type="capsule" size="0.08" fromto="0 0 0 -0.4 -0.4 0"/>
          </body>
        </body>
      </body>
      <body name="right_back_leg" pos="0 0 0">
        <geom name="aux_4_geom" type="capsule" size="0.08" fromto="0 0 0 0.2 -0.2 0"/>
        <body name="aux_4" pos="0.2 -0.2 0">
          <joint name="hip_4" type="hinge" axis="0 0 1" pos="0 0 0" range="-30 30"/>
          <geom name="rightback_leg_geom" type="capsule" size="0.08" fromto="0 0 0 0.2 -0.2 0"/>
          <body pos="0.2 -0.2 0">
            <joint name="ankle_4" type="hinge" axis="1 1 0" pos="0 0 0" range="30 70"/>
            <geom name="fourth_ankle_geom" type="capsule" size="0.08" fromto="0 0 0 0.4 -0.4 0"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor joint="hip_4" gear="150" ctrllimited="true" ctrlrange="-1 1"/>
    <motor joint="ankle_4" gear="150" ctrllimited="true" ctrlrange="-1 1"/>
    <motor joint="hip_1" gear="150" ctrllimited="true" ctrlrange="-1 1"/>
    <motor joint="ankle_1" gear="150" ctrllimited="true" ctrlrange="-1 1"/>
    <motor joint="hip_2" gear="150" ctrllimited="true" ctrlrange="-1 1"/>
    <motor joint="ankle_2" gear="150" ctrllimited="true" ctrlrange="-1 1"/>
    <motor joint="hip_3" gear="150" ctrllimited="true" ctrlrange="-1 1"/>
    <motor joint="ankle_3" gear="150" ctrllimited="true" ctrlrange="-1 1"/>
  </actuator>
</mujoco>
`;
