/**
 * The three-link swimmer of Swimmer-v5 in a viscous fluid. Every physical parameter (capsule links
 * of density 1000, medium density 4000 and viscosity 0.1, joint ranges ±100°, armature 0.1, gears
 * 150, no contacts, RK4 with timestep 0.01 s) follows Gymnasium's `assets/swimmer.xml`; visual-only
 * elements are left out.
 *
 * Degrees of freedom: slider1 (x), slider2 (y), free_body_rot (heading), motor1_rot, motor2_rot.
 * Two motors with controls in [−1, 1].
 */
export const SWIMMER_XML = `<mujoco model="irlkit-swimmer">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.01" integrator="RK4" density="4000" viscosity="0.1"/>
  <default>
    <joint armature="0.1"/>
    <geom contype="0" conaffinity="0" condim="1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" size="40 40 0.1" pos="0 0 -0.1" condim="3"/>
    <body name="torso" pos="0 0 0">
      <geom type="capsule" size="0.1" fromto="1.5 0 0 0.5 0 0" density="1000"/>
      <joint name="slider1" type="slide" axis="1 0 0" pos="0 0 0"/>
      <joint name="slider2" type="slide" axis="0 1 0" pos="0 0 0"/>
      <joint name="free_body_rot" type="hinge" axis="0 0 1" pos="0 0 0"/>
      <body name="mid" pos="0.5 0 0">
        <geom type="capsule" size="0.1" fromto="0 0 0 -1 0 0" density="1000"/>
        <joint name="motor1_rot" type="hinge" axis="0 0 1" pos="0 0 0" limited="true" range="-100 100"/>
        <body name="back" pos="-1 0 0">
          <geom type="capsule" size="0.1" fromto="0 0 0 -1 0 0" density="1000"/>
          <joint name="motor2_rot" type="hinge" axis="0 0 1" pos="0 0 0" limited="true" range="-100 100"/>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="motor1" joint="motor1_rot" gear="150" ctrllimited="true" ctrlrange="-1 1"/>
    <motor name="motor2" joint="motor2_rot" gear="150" ctrllimited="true" ctrlrange="-1 1"/>
  </actuator>
</mujoco>
`;
