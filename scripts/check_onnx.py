#!/usr/bin/env python3
"""Checks an ONNX file with the onnx package's checker (full_check: shape inference too) and
prints its opset, inputs and outputs as JSON. Debian: apt-get install python3-onnx.

  /usr/bin/python3 scripts/check_onnx.py MODEL.onnx
"""
import json
import sys

import onnx


def dims(v):
    return [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]


def main():
    m = onnx.load(sys.argv[1])
    onnx.checker.check_model(m, full_check=True)
    print(json.dumps({"ir_version": m.ir_version, "opset": [o.version for o in m.opset_import],
                      "inputs": {i.name: dims(i) for i in m.graph.input},
                      "outputs": {o.name: dims(o) for o in m.graph.output},
                      "nodes": len(m.graph.node)}))


if __name__ == "__main__":
    main()
