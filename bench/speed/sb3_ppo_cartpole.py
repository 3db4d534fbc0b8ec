"""Stable-Baselines3 PPO on Gymnasium CartPole-v1 with the settings of bench/speed.bench.ts (8 envs,
n_steps 256, batch 64, 5 epochs, 64-64 tanh separate actor and critic, lr 3e-4, clip 0.2, max grad
norm 0.5, seed 0), torch on one thread. Imports SB3 and Gymnasium from PEERS_DIR/sb3 and
PEERS_DIR/gym (source checkouts), torch from the system (Debian's python3-torch). Times
model.learn() only and prints one JSON line: {"seconds": ..., "torch": ...}.

Usage: /usr/bin/python3 bench/speed/sb3_ppo_cartpole.py PEERS_DIR STEPS
"""
import json
import os
import sys
import time
import types

peers_dir = sys.argv[1]
steps = int(sys.argv[2])
sys.path[:0] = [os.path.join(peers_dir, "sb3"), os.path.join(peers_dir, "gym")]
# Gymnasium imports this optional banner package at start-up; an empty stand-in is enough.
sys.modules.setdefault("farama_notifications", types.ModuleType("farama_notifications"))

import torch  # noqa: E402

torch.set_num_threads(1)
from stable_baselines3 import PPO  # noqa: E402
from stable_baselines3.common.env_util import make_vec_env  # noqa: E402

env = make_vec_env("CartPole-v1", n_envs=8, seed=0)
model = PPO(
    "MlpPolicy",
    env,
    n_steps=256,
    batch_size=64,
    n_epochs=5,
    learning_rate=3e-4,
    gamma=0.99,
    gae_lambda=0.95,
    clip_range=0.2,
    ent_coef=0.0,
    vf_coef=0.5,
    max_grad_norm=0.5,
    seed=0,
    device="cpu",
    policy_kwargs=dict(net_arch=dict(pi=[64, 64], vf=[64, 64])),
    verbose=0,
)
started = time.perf_counter()
model.learn(total_timesteps=steps)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "torch": torch.__version__}))
