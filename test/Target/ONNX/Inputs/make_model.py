#!/usr/bin/env python3
"""Writes a binary ONNX model from a model in ONNX's textual syntax.

Tests run it with %python (an interpreter that has onnx) to make inputs the
textual syntax cannot express: named nodes, external data, damaged files.

  make_model.py IN.onnxtxt OUT.onnx [--name-nodes] [--truncate]
      [--raw-data NAME=NBYTES] [--unknown-rank INPUT] [--external-data FILE [--set-external KEY=VALUE]]
"""

import argparse

import onnx
import onnx.numpy_helper
import onnx.parser


def main():
    p = argparse.ArgumentParser()
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("--name-nodes", action="store_true",
                   help="name each node n_<its first output>")
    p.add_argument("--external-data", metavar="FILE",
                   help="store every initializer in FILE beside the model")
    p.add_argument("--set-external", metavar="KEY=VALUE", action="append",
                   default=[],
                   help="then set KEY (location, offset, length) of every "
                        "external tensor to VALUE in the model")
    p.add_argument("--truncate", action="store_true",
                   help="write only the first half of the serialized model")
    p.add_argument("--unknown-rank", metavar="INPUT", action="append",
                   default=[], help="drop graph input INPUT's shape")
    p.add_argument("--raw-data", metavar="NAME=NBYTES", action="append",
                   default=[],
                   help="replace initializer NAME's data by NBYTES raw bytes")
    args = p.parse_args()

    with open(args.src) as f:
        model = onnx.parser.parse_model(f.read())
    if args.name_nodes:
        for node in model.graph.node:
            node.name = "n_" + node.output[0]
    for vi in model.graph.input:
        if vi.name in args.unknown_rank:
            vi.type.tensor_type.ClearField("shape")
    # The parser fills typed fields (float_data...); external data and
    # --raw-data need raw_data.
    for t in model.graph.initializer:
        t.CopyFrom(onnx.numpy_helper.from_array(
            onnx.numpy_helper.to_array(t), t.name))
    for spec in args.raw_data:
        name, nbytes = spec.split("=")
        for t in model.graph.initializer:
            if t.name == name:
                t.raw_data = bytes(int(nbytes))
    if args.external_data:
        onnx.save_model(model, args.dst, save_as_external_data=True,
                        all_tensors_to_one_file=True,
                        location=args.external_data, size_threshold=0)
        if not args.set_external:
            return
        model = onnx.load(args.dst, load_external_data=False)
        for spec in args.set_external:
            key, value = spec.split("=", 1)
            for t in model.graph.initializer:
                for entry in t.external_data:
                    if entry.key == key:
                        entry.value = value
        onnx.save_model(model, args.dst)
        return
    data = model.SerializeToString()
    if args.truncate:
        data = data[:len(data) // 2]
    with open(args.dst, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
