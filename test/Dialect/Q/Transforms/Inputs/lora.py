#!/usr/bin/env python3
"""Models, PEFT adapters and checks for the q-lora-merge tests.

numpy and onnx only (no torch, no safetensors package): the adapters are
written by a small safetensors writer here, the expected weights and outputs
computed here in float64 from the files themselves.

  lora.py build DIR            models, inputs, adapters and mapping files
  lora.py errors DIR           adapters that are wrong in one way each
  lora.py check-weights DIR CASE MODULE.mlir
                               merged weights of CASE (a, abc, gpt2, ingraph)
                               against W + s * (B @ A) as each op reads it
  lora.py check-outputs DIR CASE OUT_DIR...
                               qrun outputs (y.npy in each OUT_DIR) against
                               the float64 forward pass with the adapters
  lora.py compare OUT_DIR1 OUT_DIR2
                               whether two runs' y.npy agree (float rounding)
"""

import json
import os
import re
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# ---------------------------------------------------------------------------
# safetensors


def to_bf16_bits(a):
    """float32 -> bfloat16 bits, round to nearest even."""
    u = np.ascontiguousarray(a, np.float32).view(np.uint32).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return u.astype(np.uint16)


def from_bf16_bits(b):
    return (b.astype(np.uint32) << 16).view(np.float32)


def encode(array, dtype):
    """(bytes, the float32 values the reader must see)."""
    a = np.asarray(array)
    if dtype == "F32":
        a = a.astype("<f4")
        return a.tobytes(), a.astype(np.float32)
    if dtype == "F16":
        a = a.astype("<f2")
        return a.tobytes(), a.astype(np.float32)
    if dtype == "BF16":
        bits = to_bf16_bits(a.astype(np.float32))
        return bits.astype("<u2").tobytes(), from_bf16_bits(bits)
    if dtype == "I8":
        a = a.astype(np.int8)
        return a.tobytes(), a.astype(np.float32)
    raise ValueError(dtype)


def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, dtype, array)."""
    header, chunks, offset = {}, [], 0
    for name, dtype, array in tensors:
        data, _ = encode(array, dtype)
        header[name] = {"dtype": dtype, "shape": list(np.shape(array)),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def read_safetensors(path):
    """name -> float32 array (F32/F16/BF16), as the C++ reader widens."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        chunk, shape = data[b:e], info["shape"]
        if info["dtype"] == "F32":
            a = np.frombuffer(chunk, "<f4")
        elif info["dtype"] == "F16":
            a = np.frombuffer(chunk, "<f2").astype(np.float32)
        elif info["dtype"] == "BF16":
            a = from_bf16_bits(np.frombuffer(chunk, "<u2"))
        else:
            continue
        out[name] = a.reshape(shape).astype(np.float32)
    return out


# ---------------------------------------------------------------------------
# Models


def rng(seed):
    return np.random.default_rng(seed)


def save_model(path, nodes, inputs, outputs, inits):
    graph = helper.make_graph(nodes, "g", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def build_main(d):
    """x[2,16] -> q_proj (scope rule) + v_proj (initializer rule) -> up_proj
    (Gemm trans_b, both rules) -> down_proj (MatMul of a Transpose of the
    torch-layout weight) -> lm_head (no scope: mapping file)."""
    r = rng(1)
    w = {
        "onnx::MatMul_101": r.normal(size=(16, 8)),
        "model.layers.0.self_attn.v_proj.weight": r.normal(size=(16, 8)),
        "model.layers.0.mlp.up_proj.weight": r.normal(size=(12, 8)),
        "model.layers.0.mlp.up_proj.bias": r.normal(size=(12,)),
        "model.layers.0.mlp.down_proj.weight": r.normal(size=(8, 12)),
        "onnx::MatMul_200": r.normal(size=(8, 6)),
    }
    inits = [numpy_helper.from_array(v.astype(np.float32), k)
             for k, v in w.items()]
    nodes = [
        helper.make_node("MatMul", ["x", "onnx::MatMul_101"], ["q"],
                         name="/model/layers.0/self_attn/q_proj/MatMul"),
        helper.make_node("MatMul",
                         ["x", "model.layers.0.self_attn.v_proj.weight"],
                         ["v"], name="v_mm"),
        helper.make_node("Add", ["q", "v"], ["h"], name="/model/layers.0/Add"),
        helper.make_node("Gemm", ["h", "model.layers.0.mlp.up_proj.weight",
                                  "model.layers.0.mlp.up_proj.bias"], ["u"],
                         name="/model/layers.0/mlp/up_proj/Gemm", transB=1),
        helper.make_node("Transpose", ["model.layers.0.mlp.down_proj.weight"],
                         ["wt"], name="/model/layers.0/mlp/down_proj/Transpose",
                         perm=[1, 0]),
        helper.make_node("MatMul", ["u", "wt"], ["dn"],
                         name="/model/layers.0/mlp/down_proj/MatMul"),
        helper.make_node("MatMul", ["dn", "onnx::MatMul_200"], ["y"],
                         name="lm_head_mm"),
    ]
    save_model(os.path.join(d, "model.onnx"), nodes, [f32("x", [2, 16])],
               [f32("y", [2, 6])], inits)
    np.save(os.path.join(d, "x.npy"), r.normal(size=(2, 16)).astype(np.float32))


def build_gpt2(d):
    """GPT-2's Conv1D: weight stored [in, out] under its own name, x @ W + b
    on a batched input."""
    r = rng(2)
    inits = [numpy_helper.from_array(
                 r.normal(size=(16, 24)).astype(np.float32),
                 "transformer.h.0.attn.c_attn.weight"),
             numpy_helper.from_array(r.normal(size=(24,)).astype(np.float32),
                                     "transformer.h.0.attn.c_attn.bias")]
    nodes = [
        helper.make_node("MatMul", ["x", "transformer.h.0.attn.c_attn.weight"],
                         ["m"], name="/transformer/h.0/attn/c_attn/MatMul"),
        helper.make_node("Add", ["m", "transformer.h.0.attn.c_attn.bias"], ["y"],
                         name="/transformer/h.0/attn/c_attn/Add"),
    ]
    save_model(os.path.join(d, "gpt2.onnx"), nodes, [f32("x", [1, 3, 16])],
               [f32("y", [1, 3, 24])], inits)
    np.save(os.path.join(d, "x3.npy"),
            r.normal(size=(1, 3, 16)).astype(np.float32))


def build_ingraph(d):
    """An unmerged PEFT model as torch exports it: base MatMul plus
    x -> MatMul(A^T) -> MatMul(B^T) -> Mul(scaling) -> Add; the second layer
    has a bias Add between its MatMul and the LoRA Add, and its Mul has the
    scalar first."""
    r = rng(3)
    w = {
        "onnx::MatMul_1": r.normal(size=(16, 8)),
        "onnx::MatMul_2": r.normal(size=(16, 4)),
        "onnx::MatMul_3": r.normal(size=(4, 8)),
        "onnx::MatMul_4": r.normal(size=(8, 8)),
        "bias2": r.normal(size=(8,)),
        "onnx::MatMul_5": r.normal(size=(8, 2)),
        "onnx::MatMul_6": r.normal(size=(2, 8)),
    }
    inits = [numpy_helper.from_array(v.astype(np.float32), k)
             for k, v in w.items()]
    inits += [numpy_helper.from_array(np.array(2.0, np.float32), "s1"),
              numpy_helper.from_array(np.array([0.5], np.float32), "s2")]
    nodes = [
        helper.make_node("MatMul", ["x", "onnx::MatMul_1"], ["b1"],
                         name="/l1/base_layer/MatMul"),
        helper.make_node("MatMul", ["x", "onnx::MatMul_2"], ["a1"],
                         name="/l1/lora_A/default/MatMul"),
        helper.make_node("MatMul", ["a1", "onnx::MatMul_3"], ["p1"],
                         name="/l1/lora_B/default/MatMul"),
        helper.make_node("Mul", ["p1", "s1"], ["m1"], name="/l1/Mul"),
        helper.make_node("Add", ["b1", "m1"], ["h"], name="/l1/Add"),
        helper.make_node("MatMul", ["h", "onnx::MatMul_4"], ["b2"],
                         name="/l2/base_layer/MatMul"),
        helper.make_node("Add", ["bias2", "b2"], ["c2"],
                         name="/l2/base_layer/Add"),
        helper.make_node("MatMul", ["h", "onnx::MatMul_5"], ["a2"],
                         name="/l2/lora_A/default/MatMul"),
        helper.make_node("MatMul", ["a2", "onnx::MatMul_6"], ["p2"],
                         name="/l2/lora_B/default/MatMul"),
        helper.make_node("Mul", ["s2", "p2"], ["m2"], name="/l2/Mul"),
        helper.make_node("Add", ["m2", "c2"], ["y"], name="/l2/Add"),
    ]
    save_model(os.path.join(d, "ingraph.onnx"), nodes, [f32("x", [1, 3, 16])],
               [f32("y", [1, 3, 8])], inits)


def write_adapter(d, config, modules, dtype="F32", seed=0, extra=()):
    """modules: list of (module path, r, in, out); keys as PEFT saves them."""
    os.makedirs(d, exist_ok=True)
    r = rng(seed)
    tensors = []
    for path, rank, fin, fout in modules:
        key = "base_model.model." + path
        tensors.append((key + ".lora_A.weight", dtype,
                        r.normal(size=(rank, fin)) * 0.5))
        tensors.append((key + ".lora_B.weight", dtype,
                        r.normal(size=(fout, rank)) * 0.5))
    tensors += list(extra)
    write_safetensors(os.path.join(d, "adapter_model.safetensors"), tensors,
                      {"format": "pt"})
    base = {"peft_type": "LORA", "task_type": "CAUSAL_LM",
            "base_model_name_or_path": "qmlir-test", "lora_dropout": 0.0,
            "bias": "none", "fan_in_fan_out": False, "use_rslora": False}
    base.update(config)
    with open(os.path.join(d, "adapter_config.json"), "w") as f:
        json.dump(base, f, indent=2)


Q = ("model.layers.0.self_attn.q_proj", 16, 8)
V = ("model.layers.0.self_attn.v_proj", 16, 8)
UP = ("model.layers.0.mlp.up_proj", 8, 12)
DOWN = ("model.layers.0.mlp.down_proj", 12, 8)
LM = ("lm_head", 8, 6)


def build(d):
    os.makedirs(d, exist_ok=True)
    build_main(d)
    build_gpt2(d)
    build_ingraph(d)
    # a: plain LoRA, r = 4, alpha = 8 (scaling 2), four layers.
    write_adapter(os.path.join(d, "a"),
                  {"r": 4, "lora_alpha": 8,
                   "target_modules": ["q_proj", "v_proj", "up_proj",
                                      "down_proj"]},
                  [(p, 4, i, o) for p, i, o in (Q, V, UP, DOWN)], seed=10)
    # b: rsLoRA (scaling 8 / sqrt(4) = 4), F16, target_modules a regex.
    write_adapter(os.path.join(d, "b"),
                  {"r": 4, "lora_alpha": 8, "use_rslora": True,
                   "target_modules": ".*\\.(q_proj|up_proj)"},
                  [(p, 4, i, o) for p, i, o in (Q, UP)], dtype="F16", seed=11)
    # c: BF16, rank_pattern / alpha_pattern, lm_head (needs the mapping).
    write_adapter(os.path.join(d, "c"),
                  {"r": 2, "lora_alpha": 4, "rank_pattern": {"down_proj": 3},
                   "alpha_pattern": {"lm_head": 6},
                   "target_modules": ["down_proj", "lm_head"]},
                  [(DOWN[0], 3, DOWN[1], DOWN[2]), (LM[0], 2, LM[1], LM[2])],
                  dtype="BF16", seed=12)
    with open(os.path.join(d, "map.json"), "w") as f:
        json.dump({"lm_head": "lm_head_mm"}, f)
    with open(os.path.join(d, "map-init.json"), "w") as f:
        json.dump({"lm_head": "onnx::MatMul_200"}, f)
    # gpt2: fan_in_fan_out (Conv1D), r = 4, alpha = 16 (scaling 4).
    write_adapter(os.path.join(d, "gpt2"),
                  {"r": 4, "lora_alpha": 16, "fan_in_fan_out": True,
                   "target_modules": ["c_attn"]},
                  [("transformer.h.0.attn.c_attn", 4, 16, 24)], seed=13)


# ---------------------------------------------------------------------------
# Expected results


def initializers(path):
    return {t.name: numpy_helper.to_array(t).astype(np.float64)
            for t in onnx.load(path).graph.initializer}


class Adapter:
    def __init__(self, d, scale=1.0):
        with open(os.path.join(d, "adapter_config.json")) as f:
            self.config = json.load(f)
        self.tensors = read_safetensors(
            os.path.join(d, "adapter_model.safetensors"))
        self.scale = scale

    def scaling(self, path):
        c = self.config
        r, alpha = c["r"], c["lora_alpha"]
        for k, v in c.get("rank_pattern", {}).items():
            if re.match(rf"(.*\.)?({k})$", path):
                r = v
                break
        for k, v in c.get("alpha_pattern", {}).items():
            if re.match(rf"(.*\.)?({k})$", path):
                alpha = v
                break
        return self.scale * (alpha / np.sqrt(r) if c.get("use_rslora")
                             else alpha / r)

    def delta(self, path):
        """s * (B @ A): [out, in], float64."""
        key = "base_model.model." + path
        a = self.tensors[key + ".lora_A.weight"].astype(np.float64)
        b = self.tensors[key + ".lora_B.weight"].astype(np.float64)
        return self.scaling(path) * (b @ a)

    def has(self, path):
        return "base_model.model." + path + ".lora_A.weight" in self.tensors


def adapters_of(d, case):
    """The adapters (with scales) each case applies."""
    a = lambda name, s=1.0: Adapter(os.path.join(d, name), s)
    return {"a": [a("a")],
            "abc": [a("a"), a("b", 0.5), a("c")],
            "gpt2": [a("gpt2")],
            "ingraph": []}[case]


def merged_main(d, adapters):
    """The main model's effective weights, as the ops read them."""
    w = initializers(os.path.join(d, "model.onnx"))
    eff = {  # blob name -> (weight [in, out], module path, [out, in] layout)
        "onnx__MatMul_101.lora": (w["onnx::MatMul_101"], Q[0], False),
        "model.layers.0.self_attn.v_proj.weight.lora":
            (w["model.layers.0.self_attn.v_proj.weight"], V[0], False),
        "model.layers.0.mlp.up_proj.weight.lora":
            (w["model.layers.0.mlp.up_proj.weight"], UP[0], True),
        "model.layers.0.mlp.down_proj.weight.lora":
            (w["model.layers.0.mlp.down_proj.weight"].T, DOWN[0], False),
        "onnx__MatMul_200.lora": (w["onnx::MatMul_200"], LM[0], False),
    }
    out = {}
    for blob, (weight, path, out_in) in eff.items():
        m = weight.copy()
        touched = False
        for ad in adapters:
            if ad.has(path):
                delta = ad.delta(path)
                m += delta if out_in else delta.T
                touched = True
        out[blob] = (m, touched)
    return out, w


def expected_weights(d, case):
    adapters = adapters_of(d, case)
    if case in ("a", "abc"):
        merged, _ = merged_main(d, adapters)
        return {k: m for k, (m, touched) in merged.items() if touched}
    if case == "gpt2":
        w = initializers(os.path.join(d, "gpt2.onnx"))
        name = "transformer.h.0.attn.c_attn.weight"
        return {name + ".lora":
                w[name] + adapters[0].delta("transformer.h.0.attn.c_attn").T}
    if case == "ingraph":
        w = initializers(os.path.join(d, "ingraph.onnx"))
        return {
            "onnx__MatMul_1.lora":
                w["onnx::MatMul_1"] + 2.0 * w["onnx::MatMul_2"] @ w["onnx::MatMul_3"],
            "onnx__MatMul_4.lora":
                w["onnx::MatMul_4"] + 0.5 * w["onnx::MatMul_5"] @ w["onnx::MatMul_6"],
        }
    raise ValueError(case)


def expected_output(d, case):
    adapters = adapters_of(d, case)
    if case in ("a", "abc"):
        merged, w = merged_main(d, adapters)
        m = {k: v[0] for k, v in merged.items()}
        x = np.load(os.path.join(d, "x.npy")).astype(np.float64)
        h = x @ m["onnx__MatMul_101.lora"] + \
            x @ m["model.layers.0.self_attn.v_proj.weight.lora"]
        u = h @ m["model.layers.0.mlp.up_proj.weight.lora"].T + \
            w["model.layers.0.mlp.up_proj.bias"]
        dn = u @ m["model.layers.0.mlp.down_proj.weight.lora"]
        return dn @ m["onnx__MatMul_200.lora"]
    if case == "gpt2":
        w = initializers(os.path.join(d, "gpt2.onnx"))
        x = np.load(os.path.join(d, "x3.npy")).astype(np.float64)
        wm = expected_weights(d, case)["transformer.h.0.attn.c_attn.weight.lora"]
        return x @ wm + w["transformer.h.0.attn.c_attn.bias"]
    if case == "ingraph":
        w = initializers(os.path.join(d, "ingraph.onnx"))
        x = np.load(os.path.join(d, "x3.npy")).astype(np.float64)
        h = x @ w["onnx::MatMul_1"] + \
            2.0 * (x @ w["onnx::MatMul_2"]) @ w["onnx::MatMul_3"]
        return w["bias2"] + h @ w["onnx::MatMul_4"] + \
            0.5 * (h @ w["onnx::MatMul_5"]) @ w["onnx::MatMul_6"]
    raise ValueError(case)


def resources(mlir_path):
    """dense_resource blobs of a printed module: name -> float32 array."""
    text = open(mlir_path).read()
    out = {}
    for name, hexdata in re.findall(r'^\s*"?([\w.:-]+)"?: "0x([0-9A-Fa-f]+)"',
                                    text, re.M):
        raw = bytes.fromhex(hexdata)[4:]  # 4 bytes of alignment first
        out[name] = np.frombuffer(raw, "<f4")
    return out


def check_weights(d, case, mlir_path):
    blobs = resources(mlir_path)
    ok = True
    for name, want in sorted(expected_weights(d, case).items()):
        got = blobs.get(name)
        if got is None:
            print(f"FAIL {name}: no such blob (have {sorted(blobs)})")
            ok = False
            continue
        got = got.reshape(want.shape)
        err = np.max(np.abs(got - want) / (1 + np.abs(want)))
        status = "ok" if err <= 1e-6 else "FAIL"
        ok &= status == "ok"
        print(f"{status} {name} {list(want.shape)} max rel error {err:.1e}")
    return ok


def check_outputs(d, case, dirs):
    want = expected_output(d, case)
    outs = [np.load(os.path.join(o, "y.npy")).astype(np.float64) for o in dirs]
    ok = True
    for o, got in zip(dirs, outs):
        err = np.max(np.abs(got - want)) / np.max(np.abs(want))
        status = "ok" if err <= 1e-5 else "FAIL"
        ok &= status == "ok"
        print(f"{status} {os.path.basename(o)} vs float64 reference: "
              f"{err:.1e} of the output's scale")
    for o, got in zip(dirs[1:], outs[1:]):
        err = np.max(np.abs(got - outs[0])) / np.max(np.abs(outs[0]))
        status = "ok" if err <= 1e-5 else "FAIL"
        ok &= status == "ok"
        print(f"{status} {os.path.basename(o)} vs {os.path.basename(dirs[0])}: "
              f"{err:.1e} of the output's scale")
    return ok


# ---------------------------------------------------------------------------
# Adapters that are wrong in one way each


def errors(d):
    os.makedirs(d, exist_ok=True)
    ok_config = {"r": 4, "lora_alpha": 8, "target_modules": ["q_proj"]}
    qmod = [(Q[0], 4, Q[1], Q[2])]

    def adapter(name, config=None, modules=None, **kw):
        write_adapter(os.path.join(d, name),
                      ok_config if config is None else config,
                      qmod if modules is None else modules, **kw)
        return os.path.join(d, name)

    adapter("ok")
    os.makedirs(os.path.join(d, "noconfig"), exist_ok=True)
    write_safetensors(os.path.join(d, "noconfig", "adapter_model.safetensors"),
                      [])
    for name, extra in (("notensors", None), ("pickle", "adapter_model.bin")):
        os.makedirs(os.path.join(d, name), exist_ok=True)
        with open(os.path.join(d, name, "adapter_config.json"), "w") as f:
            json.dump(ok_config, f)
        if extra:
            open(os.path.join(d, name, extra), "wb").write(b"\x80\x02")
    p = adapter("badjson")
    open(os.path.join(p, "adapter_config.json"), "w").write('{"r": 4,,}')
    p = adapter("notobject")
    open(os.path.join(p, "adapter_config.json"), "w").write("[4]")
    adapter("nor", {"lora_alpha": 8, "target_modules": ["q_proj"]})
    adapter("zeror", {"r": 0, "lora_alpha": 8, "target_modules": ["q_proj"]})
    adapter("noalpha", {"r": 4, "target_modules": ["q_proj"]})
    adapter("ia3", dict(ok_config, peft_type="IA3"))
    adapter("dora", dict(ok_config, use_dora=True))
    adapter("bias", dict(ok_config, bias="all"))
    adapter("rslorabad", dict(ok_config, use_rslora="yes"))
    adapter("badregex", dict(ok_config, target_modules="q_proj("))
    adapter("badtargets", dict(ok_config, target_modules=4))
    adapter("rankpattern", dict(ok_config, rank_pattern={"q_proj": 0}))
    adapter("fanin", dict(ok_config, fan_in_fan_out="no"))
    adapter("lorabias", dict(ok_config, lora_bias=True))
    adapter("targetlist", dict(ok_config, target_modules=["q_proj", 1]))
    adapter("rankmap", dict(ok_config, rank_pattern=["q_proj"]))
    adapter("alphamap", dict(ok_config, alpha_pattern=4))
    adapter("alphavalue", dict(ok_config, alpha_pattern={"q_proj": "8"}))
    adapter("alpharegex", dict(ok_config, alpha_pattern={"q_proj)": 8}))
    adapter("rank", {"r": 8, "lora_alpha": 8, "target_modules": ["q_proj"]})
    # lora_B of rank 3 against lora_A of rank 4.
    write_adapter(os.path.join(d, "abrank"), ok_config, [], extra=[
        ("base_model.model." + Q[0] + ".lora_A.weight", "F32", np.ones((4, 16))),
        ("base_model.model." + Q[0] + ".lora_B.weight", "F32", np.ones((8, 3)))])
    write_adapter(os.path.join(d, "nob"), ok_config, [], extra=[
        ("base_model.model." + Q[0] + ".lora_A.weight", "F32", np.ones((4, 16)))])
    write_adapter(os.path.join(d, "notmatrix"), ok_config, [], extra=[
        ("base_model.model." + Q[0] + ".lora_A.weight", "F32",
         np.ones((4, 16, 1))),
        ("base_model.model." + Q[0] + ".lora_B.weight", "F32", np.ones((8, 4)))])
    write_adapter(os.path.join(d, "twice"), ok_config, qmod, extra=[
        (Q[0] + ".lora_A.weight", "F32", np.ones((4, 16)))])
    write_adapter(os.path.join(d, "int8"), ok_config, [], extra=[
        ("base_model.model." + Q[0] + ".lora_A.weight", "I8", np.ones((4, 16))),
        ("base_model.model." + Q[0] + ".lora_B.weight", "F32", np.ones((8, 4)))])
    adapter("embedding", extra=[
        ("base_model.model.model.embed_tokens.lora_embedding_A", "F32",
         np.ones((4, 32)))])
    write_adapter(os.path.join(d, "empty"), ok_config, [])
    adapter("untargeted", {"r": 4, "lora_alpha": 8, "target_modules": ["k_proj"]})
    # Shapes: a q_proj adapter for 32 input features.
    adapter("shape", modules=[(Q[0], 4, 32, 8)])
    # Names: nothing in the model, and two modules onto one op (the scope
    # rule and the mapping file both reach q_proj).
    adapter("unmatched", {"r": 4, "lora_alpha": 8, "target_modules":
                          ["q_proj", "k_proj", "o_proj"]},
            modules=[(Q[0], 4, 16, 8),
                     ("model.layers.0.self_attn.k_proj", 4, 16, 8),
                     ("model.layers.0.self_attn.o_proj", 4, 16, 8)])
    adapter("double", {"r": 4, "lora_alpha": 8, "target_modules": "all-linear"},
            modules=[(Q[0], 4, 16, 8), ("alias", 4, 16, 8)])
    with open(os.path.join(d, "double-map.json"), "w") as f:
        json.dump({"alias": "/model/layers.0/self_attn/q_proj/MatMul"}, f)
    with open(os.path.join(d, "nothing-map.json"), "w") as f:
        json.dump({"alias": "no_such_node"}, f)
    with open(os.path.join(d, "unknown-map.json"), "w") as f:
        json.dump({"alias": "lm_head_mm", "decoder.out": "lm_head_mm"}, f)
    with open(os.path.join(d, "list-map.json"), "w") as f:
        json.dump(["alias"], f)
    with open(os.path.join(d, "number-map.json"), "w") as f:
        json.dump({"alias": 3}, f)
    open(os.path.join(d, "bad-map.json"), "w").write("{alias: 1}")
    # A broken safetensors file inside an adapter.
    p = adapter("truncated")
    raw = open(os.path.join(p, "adapter_model.safetensors"), "rb").read()
    open(os.path.join(p, "adapter_model.safetensors"), "wb").write(raw[:-4])
    # A scope with two MatMuls of different weights.
    r = rng(4)
    inits = [numpy_helper.from_array(r.normal(size=(16, 8)).astype(np.float32),
                                     n) for n in ("w1", "w2")]
    nodes = [helper.make_node("MatMul", ["x", "w1"], ["a"], name="/mlp/MatMul"),
             helper.make_node("MatMul", ["x", "w2"], ["b"],
                              name="/mlp/MatMul_1"),
             helper.make_node("Add", ["a", "b"], ["y"], name="/mlp/Add")]
    save_model(os.path.join(d, "twoweights.onnx"), nodes, [f32("x", [2, 16])],
               [f32("y", [2, 8])], inits)
    adapter("mlp", {"r": 4, "lora_alpha": 8, "target_modules": ["mlp"]},
            modules=[("mlp", 4, 16, 8)])


def main(argv):
    cmd = argv[1]
    if cmd == "build":
        build(argv[2])
    elif cmd == "errors":
        errors(argv[2])
    elif cmd == "check-weights":
        sys.exit(0 if check_weights(argv[2], argv[3], argv[4]) else 1)
    elif cmd == "check-outputs":
        sys.exit(0 if check_outputs(argv[2], argv[3], argv[4:]) else 1)
    elif cmd == "compare":
        a, b = (np.load(os.path.join(o, "y.npy")).astype(np.float64)
                for o in argv[2:4])
        err = np.max(np.abs(a - b)) / np.max(np.abs(a))
        print(f"{'same' if err <= 1e-5 else 'differ'}: {err:.1e} of the "
              "output's scale")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
