#!/usr/bin/python3
"""Run the ONNX checker on exported models: `/usr/bin/python3 scripts/check_onnx.py a.onnx b.onnx`.

Uses Debian's python3-onnx (`apt-get install -y python3-onnx`), which installs for /usr/bin/python3.
Prints one `OK <path> ir=<ir> opset=<opset>` line per model that passes `onnx.checker.check_model`
with `full_check=True` (shape inference included) and `FAIL <path>: <reason>` otherwise; exits 1
when any model fails.
"""
import sys

import onnx


def main(paths):
    failures = 0
    for path in paths:
        try:
            model = onnx.load(path)
            onnx.checker.check_model(model, full_check=True)
            opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
            print(f"OK {path} ir={model.ir_version} opset={opset}")
        except Exception as error:  # noqa: BLE001 - report every failure, keep checking the rest
            failures += 1
            print(f"FAIL {path}: {error}")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
