"""Traces a policy laid out like Stable-Baselines3's PPO MlpPolicy for CartPole through SB3's
documented ONNX recipe, to check the layout @irlkit/onnx/testing's
linearPolicyModel({ layout: "stable-baselines3" }) writes. SB3 itself is not needed: the module
below has the same structure and forward pass (features -> mlp_extractor -> value_net and
action_net -> categorical mode, log_prob, reshape), with the scripted CartPole expert's linear
feedback as weights.

    /usr/bin/python3 scripts/sb3_layout.py policy.onnx fixture.json   # Debian: python3-torch python3-onnx

Prints the graph's inputs and outputs; fixture.json also holds 64 observations and torch's actions
for them, to compare with loadOnnxPolicy's.
"""
import json, sys
import numpy as np
import torch as th
import onnx

class MlpExtractor(th.nn.Module):
    def __init__(self):
        super().__init__()
        self.policy_net = th.nn.Sequential(th.nn.Linear(4, 64), th.nn.Tanh(), th.nn.Linear(64, 64), th.nn.Tanh())
        self.value_net = th.nn.Sequential(th.nn.Linear(4, 64), th.nn.Tanh(), th.nn.Linear(64, 64), th.nn.Tanh())
    def forward(self, features):
        return self.policy_net(features), self.value_net(features)

class Policy(th.nn.Module):
    def __init__(self):
        super().__init__()
        self.features_extractor = th.nn.Flatten()
        self.mlp_extractor = MlpExtractor()
        self.action_net = th.nn.Linear(64, 2)
        self.value_net = th.nn.Linear(64, 1)
    def forward(self, obs, deterministic=False):
        features = self.features_extractor(obs.float())
        latent_pi, latent_vf = self.mlp_extractor(features)
        values = self.value_net(latent_vf)
        distribution = th.distributions.Categorical(logits=self.action_net(latent_pi))
        actions = th.argmax(distribution.probs, dim=1) if deterministic else distribution.sample()
        log_prob = distribution.log_prob(actions)
        actions = actions.reshape((-1,))
        return actions, values, log_prob

class OnnxablePolicy(th.nn.Module):
    def __init__(self, policy):
        super().__init__()
        self.policy = policy
    def forward(self, observation):
        return self.policy(observation, deterministic=True)

th.manual_seed(0)
policy = Policy()
with th.no_grad():
    # Transcribe the scripted expert: h = tanh(tanh(1·x + 1.5·ẋ + 20·θ + 3·θ̇)), logits = [0, h].
    for layer in (policy.mlp_extractor.policy_net[0], policy.mlp_extractor.policy_net[2], policy.action_net):
        layer.weight.zero_(); layer.bias.zero_()
    policy.mlp_extractor.policy_net[0].weight[0] = th.tensor([1.0, 1.5, 20.0, 3.0])
    policy.mlp_extractor.policy_net[2].weight[0, 0] = 1.0
    policy.action_net.weight[1, 0] = 1.0
model = OnnxablePolicy(policy).eval()
th.onnx.export(model, th.randn(1, 4), sys.argv[1], opset_version=17, input_names=["input"])
m = onnx.load(sys.argv[1])
def describe(v):
    t = v.type.tensor_type
    return {"name": v.name, "elem": onnx.TensorProto.DataType.Name(t.elem_type), "shape": [d.dim_value or d.dim_param for d in t.shape.dim]}
rng = np.random.default_rng(3)
observations = rng.normal(0, 0.2, size=(64, 4)).astype(np.float32)
with th.no_grad():
    expected = [int(model(th.from_numpy(row[None]))[0][0]) for row in observations]
json.dump({"inputs": [describe(v) for v in m.graph.input], "outputs": [describe(v) for v in m.graph.output],
           "observations": observations.ravel().tolist(), "actions": expected}, open(sys.argv[2], "w"))
print(json.dumps({"inputs": [describe(v) for v in m.graph.input], "outputs": [describe(v) for v in m.graph.output]}))
