//===- Passes.td - passes on the q dialect -----------------*- tablegen -*-===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_TRANSFORMS_PASSES_TD
#define QMLIR_DIALECT_Q_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QFoldBatchNorm : Pass<"q-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "Fold inference batch normalization into the convolution before it";
  let description = [{
    `q.batch_norm` of a `q.conv` result (the conv's only use), with constant
    weight, bias and batch-norm parameters, becomes one `q.conv` with
    `W'[m] = W[m] * scale[m] / sqrt(var[m] + eps)` and
    `b'[m] = (b[m] - mean[m]) * scale[m] / sqrt(var[m] + eps) + bias[m]`
    (computed in double, rounded once to f32). This is the graph
    preparation calibration and quantization run on: the folded conv is
    what gets quantized. Other batch norms are left alone.

    Before:
    ```mlir
    %c = q.conv %x, %w, %b {...} : (...) -> tensor<1x8x32x32xf32>
    %y = q.batch_norm %c, %s, %t, %m, %v : (...) -> tensor<1x8x32x32xf32>
    ```
    After:
    ```mlir
    %y = q.conv %x, %w2, %b2 {...} : (...) -> tensor<1x8x32x32xf32>
    ```
  }];
}

def QCalibrate : Pass<"q-calibrate", "mlir::ModuleOp"> {
  let summary = "Run the float model on sample inputs and record activation ranges";
  let description = [{
    Compiles a copy of `@main` that also returns every f32 tensor an op
    produces, runs it on each sample of `data` and gathers statistics per
    tensor (`qmlir/Quant/Calibration.h`: min/max, the mean of per-sample
    min/max, a histogram of |x| with power-of-two bins). Memory does not
    grow with the number of samples: one sample is in memory at a time.

    `data` is a folder of samples, either ONNX `test_data_set_N` folders
    (`input_K.pb` for the K-th input) or one folder per sample holding
    `NAME.npy` for each input NAME. With `cache`, statistics are read from
    that JSON file when it exists (no data needed) and written to it
    otherwise; caches written over shards of a data set can be merged.

    Each op gets `q.calibration`, one dictionary per result (`{}` for
    results not observed) with the selected range `lo`, `hi` (by `method`:
    minmax, avg-minmax, percentile, entropy, mse), the observed `min`,
    `max` and the `samples` count; with `per-channel`, also `channel_lo` /
    `channel_hi` (min/max along dimension 1). Inputs get the same
    dictionary as an argument attribute. A progress line goes to stderr
    when it is a terminal; otherwise one summary line.

    Before:
    ```mlir
    %0 = q.relu %arg0 : tensor<1x8xf32>
    ```
    After:
    ```mlir
    %0 = q.relu %arg0 {q.calibration = [{hi = 3.5 : f32, lo = 0.0 : f32, max = 3.5 : f32, min = 0.0 : f32, samples = 4 : i64} ]} : tensor<1x8xf32>
    ```
  }];
  let options = [
    Option<"data", "data", "std::string", /*default=*/"",
           "Folder of calibration samples">,
    Option<"method", "method", "std::string", /*default=*/"\"minmax\"",
           "minmax, avg-minmax, percentile, entropy or mse">,
    Option<"percentile", "percentile", "double", /*default=*/"99.999",
           "Percentile of |x| kept by the percentile method">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"false",
           "Also record min/max per channel (dimension 1)">,
    Option<"cache", "cache", "std::string", /*default=*/"",
           "JSON file of statistics: read if present, else written">,
  ];
}

def QQuantize : Pass<"q-quantize", "mlir::func::FuncOp"> {
  let summary = "Static int8 quantization of convolutions and matmuls";
  let description = [{
    Quantizes each selected `q.conv`, `q.matmul` and `q.gemm` with a
    constant f32 weight, whose input carries a `q.calibration` range (from
    `q-calibrate`), and writes the result in QDQ form, the standard ONNX
    representation (DESIGN.md §4):

    - the input goes through `q.quantize` / `q.dequantize` with asymmetric
      parameters from its calibrated range (`activations=uint8`, qmin 0,
      qmax 255, or `int8`), extended to include 0; an activation read by
      several quantized ops is quantized once;
    - the weight becomes an int8 constant, symmetric ([-127, 127], zero
      point 0; with `weights=int4`, [-7, 7] held in i8, the W4A8 scheme),
      one scale per output channel (`per-channel=true`, the
      default; a per-axis `!quant.uniform` type) or one for the tensor,
      read through `q.dequantize`;
    - the bias becomes an i32 constant with scale `s_x * s_w`, read through
      `q.dequantize`; a gemm's weight is stored [K, N] (no `trans_b`).

    The float op stays and reads the dequantized values: the module still
    means what the quantized model computes, exports as QDQ ONNX
    (`qopt --emit=onnx`), and `q-fold-qdq` (first step of the lowering)
    turns it into integer kernels.

    With `mode=dynamic`, matmuls and gemms (not convolutions) need no
    calibration: `q.dynamic_quantize` computes the uint8 input's scale and
    zero point at run time (`granularity=tensor`, or `row` for each row of
    a 2-D input), `q.matmul_integer` accumulates in i32, and the result is
    scaled back in f32 by `s_x * s_w` with the bias added in f32, as ONNX
    Runtime's dynamic quantization (DynamicQuantizeLinear + MatMulInteger)
    computes.

    `ops` selects the op kinds (`conv,matmul,gemm`), `exclude` lists ONNX
    node names (their location) to leave in float. A gemm is taken when
    `alpha = beta = 1` and A is not transposed. Ops without a calibrated
    input are left in float.

    Before:
    ```mlir
    %y = q.conv %x, %w, %b {...} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    ```
    After:
    ```mlir
    %xq = q.quantize %x : tensor<1x3x8x8xf32> -> tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>
    %xd = q.dequantize %xq : tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>> -> tensor<1x3x8x8xf32>
    %wq = q.constant dense<...> : tensor<4x3x3x3xi8> : tensor<4x3x3x3x!quant.uniform<i8:f32:0, {...}>>
    %wd = q.dequantize %wq : tensor<4x3x3x3x!quant.uniform<i8:f32:0, {...}>> -> tensor<4x3x3x3xf32>
    %bq = q.constant dense<...> : tensor<4xi32> : tensor<4x!quant.uniform<i32:f32:0, {...}>>
    %bd = q.dequantize %bq : tensor<4x!quant.uniform<i32:f32:0, {...}>> -> tensor<4xf32>
    %y = q.conv %xd, %wd, %bd {...} : (...) -> tensor<1x4x8x8xf32>
    ```
  }];
  let options = [
    Option<"activations", "activations", "std::string", /*default=*/"\"uint8\"",
           "Activation storage: uint8 (asymmetric) or int8">,
    Option<"weights", "weights", "std::string", /*default=*/"\"int8\"",
           "Weight precision: int8 ([-127, 127]) or int4 ([-7, 7], the "
           "static W4A8 scheme)">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "One weight scale per output channel (else per tensor)">,
    Option<"mode", "mode", "std::string", /*default=*/"\"static\"",
           "static (calibrated ranges) or dynamic (ranges at run time)">,
    Option<"granularity", "granularity", "std::string",
           /*default=*/"\"tensor\"",
           "Dynamic mode: one input scale per tensor or per row">,
    ListOption<"ops", "ops", "std::string",
               "Op kinds to quantize: conv, matmul, gemm (default all)">,
    ListOption<"exclude", "exclude", "std::string",
               "ONNX node names to keep in float">,
  ];
}

def QQuantizeWeights : Pass<"q-quantize-weights", "mlir::func::FuncOp"> {
  let summary = "Weight-only quantization of matmuls: int8, int4 or NF4";
  let description = [{
    For each selected `q.matmul` and `q.gemm` whose weight (B) is a
    constant f32 matrix, stores the weight in low precision and reads it
    through a dequantization, in blocks along the contraction dimension K;
    activations and accumulation stay f32 (the LLM decoding scheme: memory
    traffic, not arithmetic, is what 4-bit weights save). Needs no
    calibration.

    - `weights=int8` or `int4`: `q.dequantize_linear` of an `i8`/`i4`
      constant (`symmetric=true`: [-127, 127] / [-7, 7], no zero point) or a
      `ui8`/`ui4` one with zero points (`symmetric=false`, the default:
      each block's range extended to include 0, as ONNX Runtime's
      compute_scale_zp), with one scale per block of `group-size` weights
      along K (default 128; `group-size=0`: one per output channel);
    - `weights=nf4`: `q.dequantize_codebook` of `ui4` codes into QLoRA's
      NormalFloat table, with one f32 absmax per block of `group-size`
      weights along K (default 64), each weight the nearest code of
      w / absmax (bitsandbytes' quantize_4bit).

    A gemm's weight keeps its layout (`trans_b` [N, K]: blocks along
    dimension 1). The lowering packs these weights (two 4-bit codes per
    byte) and dequantizes them in registers inside the matmul
    (`convert-q-to-linalg`); `qopt --emit=onnx` writes int8/int4 as ONNX
    opset-21 blocked DequantizeLinear.

    `ops` selects `matmul` and/or `gemm` (default both), `exclude` lists
    ONNX node names to keep in f32 (e.g. `lm_head`).

    Before:
    ```mlir
    %y = q.matmul %x, %w : (tensor<1x256xf32>, tensor<256x64xf32>) -> tensor<1x64xf32>
    ```
    After (`weights=int4 symmetric=true`):
    ```mlir
    %wq = q.constant dense_resource<w.w_int4> : tensor<256x64xi8> : tensor<256x64xi4>
    %s = q.constant dense_resource<w.w_scale> : tensor<2x64xf32> : tensor<2x64xf32>
    %wd = q.dequantize_linear %wq, %s {axis = 0 : i64, block_size = 128 : i64}
        : (tensor<256x64xi4>, tensor<2x64xf32>) -> tensor<256x64xf32>
    %y = q.matmul %x, %wd : (tensor<1x256xf32>, tensor<256x64xf32>) -> tensor<1x64xf32>
    ```
  }];
  let options = [
    Option<"weights", "weights", "std::string", /*default=*/"\"int4\"",
           "Weight format: int8, int4 or nf4">,
    Option<"groupSize", "group-size", "int64_t", /*default=*/"-1",
           "Weights per scale along K (default 128, nf4 64; 0: one scale "
           "per output channel, int8/int4 only)">,
    Option<"symmetric", "symmetric", "bool", /*default=*/"false",
           "int8/int4: symmetric ranges, no zero points">,
    ListOption<"ops", "ops", "std::string",
               "Op kinds to quantize: matmul, gemm (default both)">,
    ListOption<"exclude", "exclude", "std::string",
               "ONNX node names to keep in f32">,
  ];
}

def QCastFloat : Pass<"q-cast-float", "mlir::func::FuncOp"> {
  let summary = "f16 / bf16 scheme: 16-bit weights, rounded activations, f32 accumulation";
  let description = [{
    For each selected `q.conv`, `q.matmul` and `q.gemm` with a constant f32
    weight: the weight (and a constant bias) is stored as f16 or bf16
    (`type=`, rounded to nearest even) and widened where it is read
    (`q.cast`), and the input is rounded to the same type and widened back,
    once per activation. The op itself accumulates in f32, as f16/bf16
    tensor-core and AMX/SME hardware does; the rest of the graph stays f32.
    Weight storage halves; results are those of 16-bit operands.

    `ops` selects op kinds (`conv,matmul,gemm`), `exclude` ONNX node names.

    Before:
    ```mlir
    %y = q.matmul %x, %w : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf32>
    ```
    After:
    ```mlir
    %xh = q.cast %x : tensor<4x8xf32> -> tensor<4x8xf16>
    %xr = q.cast %xh : tensor<4x8xf16> -> tensor<4x8xf32>
    %wh = q.constant dense<...> : tensor<8x2xf16> : tensor<8x2xf16>
    %wr = q.cast %wh : tensor<8x2xf16> -> tensor<8x2xf32>
    %y = q.matmul %xr, %wr : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf32>
    ```
  }];
  let options = [
    Option<"type", "type", "std::string", /*default=*/"\"f16\"",
           "16-bit type: f16 or bf16">,
    ListOption<"ops", "ops", "std::string",
               "Op kinds to cast: conv, matmul, gemm (default all)">,
    ListOption<"exclude", "exclude", "std::string",
               "ONNX node names to keep in f32">,
  ];
}

def QInsertFakeQuant : Pass<"q-insert-fake-quant", "mlir::func::FuncOp"> {
  let summary = "Prepare for quantization-aware training: q.fake_quant where PTQ would quantize";
  let description = [{
    For each selected `q.conv`, `q.matmul` (2-D weight) and `q.gemm` with a
    constant f32 weight:

    - the weight goes through `q.fake_quant` (see the op for the forward
      and straight-through backward semantics), symmetric with zero point
      0: `weights=int8` ([-127, 127]) or `int4` ([-7, 7], held in i8
      storage so the 8-bit integer kernels run it), one scale per
      output channel (`per-channel=true`: conv axis 0, matmul axis 1, gemm
      axis 0 with `trans_b`) or one per tensor, from its absolute maximum;
    - the input, when it carries a `q.calibration` range (run
      `q-calibrate` first), goes through `q.fake_quant` with asymmetric
      parameters from that range (`activations=uint8`, the default, or
      `int8`; `none` leaves activations in float): `init=calibration`
      takes the range the calibration method chose (`lo`/`hi`),
      `init=minmax` the observed minimum and maximum. An activation read by
      several ops is fake-quantized once.

    The bias stays float. `qopt --emit=onnx` writes the result as QDQ ONNX
    for a trainer; `q-fold-qdq` compiles it (or the trained model that
    comes back) to integer kernels. `ops` and `exclude` select as in
    `q-quantize`.

    ```mlir
    %xf = q.fake_quant %x {quant_type = !quant.uniform<u8:f32, 0.02:128>} : tensor<1x3x8x8xf32>
    %wf = q.fake_quant %w {quant_type = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>} : tensor<2x3x3x3xf32>
    %y = q.conv %xf, %wf, %b {...} : (...) -> tensor<1x2x8x8xf32>
    ```
  }];
  let options = [
    Option<"weights", "weights", "std::string", /*default=*/"\"int8\"",
           "Weight precision: int8 or int4">,
    Option<"activations", "activations", "std::string",
           /*default=*/"\"uint8\"",
           "Activation precision: uint8, int8 or none">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "One weight scale per output channel (else per tensor)">,
    Option<"init", "init", "std::string", /*default=*/"\"calibration\"",
           "Activation ranges: calibration (the method's) or minmax">,
    ListOption<"ops", "ops", "std::string",
               "Op kinds: conv, matmul, gemm (default all)">,
    ListOption<"exclude", "exclude", "std::string",
               "ONNX node names to keep in float">,
  ];
}

def QFoldQDQ : Pass<"q-fold-qdq", "mlir::func::FuncOp"> {
  let summary = "Turn quantize-dequantize (QDQ) convolutions and matmuls into integer kernels";
  let description = [{
    In a QDQ model every quantized op reads `q.dequantize` values. Where a
    `q.conv` (input per tensor, weight per tensor or per output channel,
    optional bias dequantized from i32 with scale `s_x * s_w`), a
    `q.matmul` (weight 2-D, per tensor or per column) or a `q.gemm`
    (alpha = beta = 1, A not transposed; a `trans_b` weight per row) reads
    them, it becomes `q.conv_integer` / `q.matmul_integer` on the storage
    values (exact i32 accumulation with the zero points) plus the i32 bias,
    and then:

    - when its result goes (only) to a `q.quantize`, `q.requantize_linear`
      with multiplier `s_x * s_w / s_y` to the output's storage: what ONNX
      Runtime computes for the same model (its QDQ fusion to QLinearConv /
      QLinearMatMul). A ReLU, or a Clip with constant bounds, between the op
      and the quantize is dropped when the quantization saturates there
      anyway (ReLU: zero point at qmin; Clip: both bounds quantize outside
      [qmin, qmax]); so `conv -> relu -> conv` stays in 8-bit integers;
    - otherwise `q.dequantize_linear` by `s_x * s_w` (per channel) gives
      the f32 result.

    Ops whose bias scale is not `s_x * s_w` (within 1e-6 relative), or whose
    types do not fit, stay in float.

    Before:
    ```mlir
    %x = q.dequantize %xq : tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>> -> tensor<1x3x8x8xf32>
    %w = q.dequantize %wq : tensor<4x3x3x3x!quant.uniform<i8:f32, 0.01>> -> tensor<4x3x3x3xf32>
    %c = q.conv %x, %w {...} : (...) -> tensor<1x4x8x8xf32>
    %y = q.quantize %c : tensor<1x4x8x8xf32> -> tensor<1x4x8x8x!quant.uniform<u8:f32, 0.05:100>>
    ```
    After:
    ```mlir
    %acc = q.conv_integer %xs, %ws input_zero_point(%zx) {...} : (...) -> tensor<1x4x8x8xi32>
    %ys = q.requantize_linear %acc, %m, %zy : (tensor<1x4x8x8xi32>, tensor<f32>, tensor<ui8>) -> tensor<1x4x8x8xui8>
    %y = q.storage_cast %ys : tensor<1x4x8x8xui8> -> tensor<1x4x8x8x!quant.uniform<u8:f32, 0.05:100>>
    ```
  }];
}

def QLoraMerge : Pass<"q-lora-merge", "mlir::ModuleOp"> {
  let summary = "Apply PEFT LoRA adapters to MatMul/Gemm weights, merged or as side branches";
  let description = [{
    Reads each adapter folder of `adapters` (`adapter_config.json` +
    `adapter_model.safetensors`, F32/F16/BF16) and matches its modules to
    the model's `q.matmul` / `q.gemm` ops with a 2-D weight
    (docs/lora.md): a module at path M matches the op whose weight is the
    initializer `M.weight`, or the op whose ONNX node name has the scope M
    (`/M/with/dots/as/slashes/MatMul`); `map=FILE` (a JSON object of module
    paths to node or initializer names) names the others. Tensors that
    match nothing, ops matched by two modules of one adapter and shapes that
    do not fit are reported together, naming the tensors and nodes.

    The update of a module is `s * (B @ A)` with `s = lora_alpha / r` (or
    `lora_alpha / sqrt(r)` with `use_rslora`) times the adapter's `@scale`
    (`adapters=DIR@0.5`), laid out as the op reads its weight (`[in, out]`
    for MatMul, `[out, in]` for Gemm with `trans_b`).

    - `mode=merge` (default) adds the updates of all adapters to the f32
      weight constant, accumulated in double and rounded once: the model
      keeps its shape and cost. LoRA subgraphs already in the graph
      (`x -> MatMul(A^T) -> MatMul(B^T) -> Mul(scalar) -> Add` onto a
      MatMul/Gemm of the same `x` with a constant weight, as torch exports
      an unmerged PEFT model) are folded into the weight too.
    - `mode=unmerged` keeps the base op (whatever its weight: float or
      quantized) and adds `((x @ A^T) @ B^T) * s` to its result: the QLoRA
      inference form.

    Before:
    ```mlir
    %w = q.constant dense_resource<model.q_proj.weight> : tensor<16x8xf32> : tensor<16x8xf32>
    %y = q.matmul %x, %w : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32> loc("/model/q_proj/MatMul")
    ```
    After (`mode=merge`):
    ```mlir
    %w = q.constant dense_resource<model.q_proj.weight.lora> : tensor<16x8xf32> : tensor<16x8xf32>
    %y = q.matmul %x, %w : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
    ```
    After (`mode=unmerged`):
    ```mlir
    %y0 = q.matmul %x, %w : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
    %h = q.matmul %x, %at : (tensor<2x16xf32>, tensor<16x4xf32>) -> tensor<2x4xf32>
    %d = q.matmul %h, %bt : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
    %ds = q.mul %d, %s : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
    %y = q.add %y0, %ds : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
    ```
  }];
  let options = [
    ListOption<"adapters", "adapters", "std::string",
               "PEFT adapter folders, each DIR or DIR@SCALE">,
    Option<"mode", "mode", "std::string", /*default=*/"\"merge\"",
           "merge (into the weights) or unmerged (side branches)">,
    Option<"map", "map", "std::string", /*default=*/"",
           "JSON file mapping module paths to node or initializer names">,
  ];
}

#endif // QMLIR_DIALECT_Q_TRANSFORMS_PASSES_TD
