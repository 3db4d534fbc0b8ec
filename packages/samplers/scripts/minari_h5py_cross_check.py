"""Cross-check irlkit's Minari files against h5py, the library Minari itself uses.

Run by ``src/datasets/h5py-cross-check.test.ts`` with Debian's ``/usr/bin/python3`` when
``import h5py`` works there. Minari is not installable here, so this script reads and writes the
layout the way ``minari/dataset/_storages/hdf5_storage.py`` and ``minari_storage.py`` do.

    python3 minari_h5py_cross_check.py read  <dataset>/data   # prints a JSON summary
    python3 minari_h5py_cross_check.py write <dataset>/data   # writes a dataset as Minari does
"""

import json
import pathlib
import sys

import h5py
import numpy as np


def read(data_path: pathlib.Path) -> dict:
    with open(data_path / "metadata.json") as file:
        metadata = json.load(file)
    # MinariStorage.read: the spaces must be strings holding serialize_space's JSON.
    assert isinstance(metadata["observation_space"], str)
    assert isinstance(metadata["action_space"], str)
    assert metadata["data_format"] == "hdf5"
    observation_space = json.loads(metadata["observation_space"])
    action_space = json.loads(metadata["action_space"])
    episodes = []
    with h5py.File(data_path / "main_data.hdf5", "r") as file:
        # HDF5Storage.update_episodes counts episodes as len(file.keys()).
        assert len(file.keys()) == metadata["total_episodes"]
        for index in range(metadata["total_episodes"]):
            group = file[f"episode_{index}"]
            # HDF5Storage.get_episodes reads every key with [:] / [()].
            observations = group["observations"][()]
            actions = group["actions"][()]
            rewards = group["rewards"][:]
            terminations = group["terminations"][:]
            truncations = group["truncations"][:]
            attrs = dict(group.attrs)
            episodes.append(
                {
                    "id": int(attrs["id"]),
                    "seed": int(attrs["seed"]) if "seed" in attrs else None,
                    "total_steps": int(attrs["total_steps"]),
                    "observations_dtype": str(observations.dtype),
                    "observations_shape": list(observations.shape),
                    "observations": observations.astype(np.float64).ravel().tolist(),
                    "actions_dtype": str(actions.dtype),
                    "actions_shape": list(actions.shape),
                    "actions": actions.astype(np.float64).ravel().tolist(),
                    "rewards_dtype": str(rewards.dtype),
                    "rewards": rewards.tolist(),
                    "terminated": bool(terminations[-1]) if len(terminations) else False,
                    "truncated": bool(truncations[-1]) if len(truncations) else False,
                    "flags_dtype": str(terminations.dtype),
                    "has_infos": "infos" in group,
                    "fletcher32": group["observations"].fletcher32,
                }
            )
    return {
        "metadata_keys": list(metadata.keys()),
        "dataset_id": metadata.get("dataset_id"),
        "minari_version": metadata.get("minari_version"),
        "total_steps": metadata["total_steps"],
        "observation_space": observation_space,
        "action_space": action_space,
        "h5py_version": h5py.__version__,
        "hdf5_version": h5py.version.hdf5_version,
        "episodes": episodes,
    }


def write(data_path: pathlib.Path) -> None:
    """Two CartPole-like episodes written with Minari's calls (bool flags, chunks=True, maxshape)."""
    data_path.mkdir(parents=True, exist_ok=True)
    observation_space = {
        "type": "Box",
        "dtype": "float32",
        "shape": [4],
        "low": np.array([-4.8, -np.inf, -0.41887903, -np.inf], dtype=np.float32).tolist(),
        "high": np.array([4.8, np.inf, 0.41887903, np.inf], dtype=np.float32).tolist(),
    }
    action_space = {"type": "Discrete", "dtype": "int64", "start": 0, "n": 2}
    lengths = [3, 2]
    with h5py.File(data_path / "main_data.hdf5", "a", track_order=True) as file:
        for episode_id, steps in enumerate(lengths):
            group = file.create_group(f"episode_{episode_id}")
            group.attrs["id"] = episode_id
            group.attrs["seed"] = 40 + episode_id
            group.attrs["total_steps"] = steps
            observations = np.array(
                [[0.25 * t + episode_id, -0.5 * t, 0.1 * t, 1.0 + t] for t in range(steps + 1)],
                dtype=np.float32,
            )
            buffers = {
                "observations": observations,
                "actions": np.array([t % 2 for t in range(steps)], dtype=np.int64),
                "rewards": [1.0 + 0.5 * t for t in range(steps)],
                "terminations": [t == steps - 1 and episode_id == 0 for t in range(steps)],
                "truncations": [t == steps - 1 and episode_id == 1 for t in range(steps)],
            }
            for key, data in buffers.items():
                data = np.asarray(data)
                group.create_dataset(
                    key, data=data, chunks=True, maxshape=(None, *data.shape[1:])
                )
            infos = group.create_group("infos")
            infos.create_dataset("step", data=np.arange(steps + 1))
    metadata = {
        "total_episodes": len(lengths),
        "total_steps": sum(lengths),
        "data_format": "hdf5",
        "observation_space": json.dumps(observation_space),
        "action_space": json.dumps(action_space),
        "dataset_id": "cartpole/h5py-v0",
        "algorithm_name": "scripted",
        "author": ["h5py"],
        "minari_version": "0.5.3",
        "ref_max_score": float("inf"),
        "dataset_size": 0.0,
    }
    with open(data_path / "metadata.json", "w") as file:
        json.dump(metadata, file)


if __name__ == "__main__":
    command, path = sys.argv[1], pathlib.Path(sys.argv[2])
    if command == "read":
        print(json.dumps(read(path)))
    elif command == "write":
        write(path)
    else:
        raise SystemExit(f"unknown command {command!r}: use read or write")
