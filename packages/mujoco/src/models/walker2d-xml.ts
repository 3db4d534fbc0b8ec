/**
 * The planar biped of Walker2d-v5. Every physical parameter (capsule geometry with density 1000,
 * joint ranges in degrees, damping 0.1 and armature 0.01 on the leg joints, gears 100, friction
 * 0.9 with 1.9 on both feet — the v5 model, whose left foot matches the right — solver settings,
 * RK4 with timestep 0.002 s) follows Gymnasium's `assets/walker2d_v5.xml`; visual-only elements
 * are left out.
 *
 * Degrees of freedom: rootx, rootz (`ref` 1.25, so qpos[1] is the torso height), rooty, then the
 * right leg (thigh_joint, leg_joint, foot_joint) and the left leg (thigh_left_joint,
 * leg_left_joint, foot_left_joint). Six motors with controls in [−1, 1].
 */
export const WALKER2D_XML = `<mujoco model="irlkit-walker2d">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.002" integrator="RK4"/>
  <default>
    <joint limited="true" damping="0.1" armature="0.01"/>
    <geom contype="1" conaffinity="0" condim="3" density="1000" friction="0.7 0.1 0.1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" size="40 40 40" conaffinity="1" condim="3"/>
    <body name="torso" pos="0 0 1.25">
      <joint name="rootx" type="slide" axis="1 0 0" pos="0 0 -1.25" limited="false" stiffness="0" damping="0" armature="0"/>
      <joint name="rootz" type="slide" axis="0 0 1" pos="0 0 -1.25" ref="1.25" limited="false" stiffness="0" damping="0" armature="0"/>
      <joint name="rooty" type="hinge" axis="0 1 0" pos="0 0 0" limited="false" stiffness="0" damping="0" armature="0"/>
      <geom name="torso_geom" type="capsule" size="0.05 0.19999999999999996" friction="0.9"/>
      <body name="thigh" pos="0 0 -0.19999999999999996">
        <joint name="thigh_joint" type="hinge" axis="0 -1 0" range="-150 0"/>
        <geom name="thigh_geom" type="capsule" size="0.05 0.22500000000000003" pos="0 0 -0.22500000000000009" friction="0.9"/>
        <body name="leg" pos="0 0 -0.70000000000000007">
          <joint name="leg_joint" type="hinge" axis="0 -1 0" pos="0 0 0.25" range="-150 0"/>
          <geom name="leg_geom" type="capsule" size="0.04 0.25" friction="0.9"/>
          <body name="foot" pos="0.2 0 -0.35">
            <joint name="foot_joint" type="hinge" axis="0 -1 0" pos="-0.2 0 0.1" range="-45 45"/>
            <geom name="foot_geom" type="capsule" size="0.06 0.1" pos="-0.1 0 0.1" quat="0.70710678118654757 0 -0.70710678118654746 0" friction="1.9"/>
          </body>
        </body>
      </body>
      <body name="thigh_left" pos="0 0 -0.19999999999999996">
        <joint name="thigh_left_joint" type="hinge" axis="0 -1 0" range="-150 0"/>
        <geom name="thigh_left_geom" type="capsule" size="0.05 0.22500000000000003" pos="0 0 -0.22500000000000009" friction="0.9"/>
        <body name="leg_left" pos="0 0 -0.70000000000000007">
          <joint name="leg_left_joint" type="hinge" axis="0 -1 0" pos="0 0 0.25" range="-150 0"/>
          <geom name="leg_left_geom" type="capsule" size="0.04 0.25" friction="0.9"/>
          <body name="foot_left" pos="0.2 0 -0.35">
            <joint name="foot_left_joint" type="hinge" axis="0 -1 0" pos="-0.2 0 0.1" range="-45 45"/>
            <geom name="foot_left_geom" type="capsule" size="0.06 0.1" pos="-0.1 0 0.1" quat="0.70710678118654757 0 -0.70710678118654746 0" friction="1.9"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="thigh" joint="thigh_joint" gear="100" ctrllimited="true" ctrlrange="-1 1"/>
    <motor name="leg" joint="leg_joint" gear="100" ctrllimited="true" ctrlrange="-1 1"/>
    <motor name="foot" joint="foot_joint" gear="100" ctrllimited="true" ctrlrange="-1 1"/>
    <motor name="thigh_left" joint="thigh_left_joint" gear="100" ctrllimited="true" ctrlrange="-1 1"/>
    <motor name="leg_left" joint="leg_left_joint" gear="100" ctrllimited="true" ctrlrange="-1 1"/>
    <motor name="foot_left" joint="foot_left_joint" gear="100" ctrllimited="true" ctrlrange="-1 1"/>
  </actuator>
</mujoco>
`;

/**
 * The older Walker2d model of Walker2d-v4 (Gymnasium's `assets/walker2d.xml`), which seals'
 * seals/Walker2d-v1 uses: identical to {@link WALKER2D_XML} except that the right foot has friction
 * 0.9 (the left foot keeps 1.9).
 */
export const WALKER2D_V4_XML = WALKER2D_XML.replace(
  'name="foot_geom" type="capsule" size="0.06 0.1" pos="-0.1 0 0.1" quat="0.70710678118654757 0 -0.70710678118654746 0" friction="1.9"',
  'name="foot_geom" type="capsule" size="0.06 0.1" pos="-0.1 0 0.1" quat="0.70710678118654757 0 -0.70710678118654746 0" friction="0.9"',
).replace('model="irlkit-walker2d"', 'model="irlkit-walker2d-v4"');
