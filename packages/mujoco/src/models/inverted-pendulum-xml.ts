/**
 * The cart-pole of InvertedPendulum-v5. Every physical parameter (capsule cart and pole with
 * density-derived masses, slider range ±1 m, hinge range ±90°, joint damping 1, gear 100, controls
 * in [−3, 3], no contacts, RK4 with timestep 0.02 s) follows Gymnasium's
 * `assets/inverted_pendulum.xml`; visual-only elements are left out.
 *
 * Degrees of freedom: slider (the cart's position), hinge (the pole's angle, 0 upright).
 */
export const INVERTED_PENDULUM_XML = `<mujoco model="irlkit-inverted-pendulum">
  <compiler inertiafromgeom="true"/>
  <option timestep="0.02" integrator="RK4" gravity="0 0 -9.81"/>
  <size nstack="3000"/>
  <default>
    <joint limited="true" damping="1" armature="0"/>
    <geom contype="0" friction="1 0.1 0.1"/>
    <motor ctrlrange="-3 3"/>
  </default>
  <worldbody>
    <geom name="rail" type="capsule" size="0.02 1" pos="0 0 0" quat="0.707 0 0.707 0"/>
    <body name="cart" pos="0 0 0">
      <joint name="slider" type="slide" axis="1 0 0" pos="0 0 0" range="-1 1"/>
      <geom name="cart" type="capsule" size="0.1 0.1" pos="0 0 0" quat="0.707 0 0.707 0"/>
      <body name="pole" pos="0 0 0">
        <joint name="hinge" type="hinge" axis="0 1 0" pos="0 0 0" range="-90 90"/>
        <geom name="cpole" type="capsule" size="0.049 0.3" fromto="0 0 0 0.001 0 0.6"/>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="slide" joint="slider" gear="100" ctrllimited="true" ctrlrange="-3 3"/>
  </actuator>
</mujoco>
`;
