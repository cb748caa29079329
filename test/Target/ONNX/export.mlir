// The exporter core (Export.cpp): graph inputs and outputs keep their ONNX
// names (`q.name`, else input_N / output_N), nodes and their values take the
// names of the ops' locations (a fused location's first name; an op without
// one, its ONNX op type), made unique among the nodes that remain; an output
// that is an input, another output or an initializer gets an Identity; ops
// whose results nothing reads are dropped; initializers take the names of
// their dense_resource blobs or locations; f16, bf16, bool, i64 and
// quantized (uint8 storage) values map to their ONNX types; value_info types
// every intermediate value; the opset is 13 when no op needs a newer one.

// RUN: rm -rf %t && mkdir -p %t/out
// RUN: qopt %s --emit=onnx -o %t/out/core.onnx
// RUN: %python %S/Inputs/print_onnx.py %t/out/core.onnx --check | FileCheck %s
// Nothing but the model is left beside it.
// RUN: ls %t/out | FileCheck %s --check-prefix=FILES --implicit-check-not=core
// FILES: core.onnx

// CHECK: checker: ok
// CHECK-NEXT: model ir_version=7 opset_import=[ai.onnx:13] producer=qmlir graph=core
// CHECK-NEXT: input x float[2, 3]
// CHECK-NEXT: input input_1 float16[2, 3]
// CHECK-NEXT: input flags bool[4]
// CHECK-NEXT: output y float[2, 3]
// CHECK-NEXT: output x_again float[2, 3]
// CHECK-NEXT: output y_again float[2, 3]
// CHECK-NEXT: output output_3 bool[4]
// CHECK-NEXT: output c int64[3]
// CHECK-NEXT: output q uint8[2, 3]
// CHECK-NEXT: output h2 float16[2, 3]
// CHECK-NEXT: output half float16[2]
// CHECK-NEXT: output brain bfloat16[2]
// CHECK-NEXT: initializer weights float[3] = [-1.,  2.,  3.]
// CHECK-NEXT: initializer c_init int64[3] = [1, 2, 3]
// CHECK-NEXT: initializer f16 float16[2] = [ 0.5, -3. ]
// CHECK-NEXT: initializer bf16 bfloat16[2] = [ 1. , -2.5]
// CHECK-NEXT: initializer quant_scale float[] = [0.5]
// CHECK-NEXT: initializer quant_zero_point uint8[] = [3]
// CHECK-NEXT: node 'add' Add(x, weights) -> (add)
// CHECK-NEXT: node 'mul' Mul(add, x) -> (mul)
// CHECK-NEXT: node 'add_1' Relu(mul) -> (y)
// CHECK-NEXT: node 'Not' Not(flags) -> (output_3)
// CHECK-NEXT: node 'Add' Add(input_1, input_1) -> (h2)
// CHECK-NEXT: node 'quant' QuantizeLinear(y, quant_scale, quant_zero_point) -> (q)
// CHECK-NEXT: node 'x_again' Identity(x) -> (x_again)
// CHECK-NEXT: node 'y_again' Identity(y) -> (y_again)
// CHECK-NEXT: node 'c' Identity(c_init) -> (c)
// CHECK-NEXT: node 'half' Identity(f16) -> (half)
// CHECK-NEXT: node 'brain' Identity(bf16) -> (brain)
// CHECK-NEXT: value_info add float[2, 3]
// CHECK-NEXT: value_info mul float[2, 3]
// CHECK-NOT: {{.}}

module attributes {q.graph_name = "core"} {
  func.func @main(%x: tensor<2x3xf32> {q.name = "x"}, %h: tensor<2x3xf16>, %b: tensor<4xi1> {q.name = "flags"}) -> (tensor<2x3xf32> {q.name = "y"}, tensor<2x3xf32> {q.name = "x_again"}, tensor<2x3xf32> {q.name = "y_again"}, tensor<4xi1>, tensor<3xi64> {q.name = "c"}, tensor<2x3xui8> {q.name = "q"}, tensor<2x3xf16> {q.name = "h2"}, tensor<2xf16> {q.name = "half"}, tensor<2xbf16> {q.name = "brain"}) {
    %w = q.constant dense_resource<weights> : tensor<3xf32> : tensor<3xf32> loc("w")
    %c = q.constant dense<[1, 2, 3]> : tensor<3xi64> : tensor<3xi64> loc("c_init")
    %f16 = q.constant dense<[0.5, -3.0]> : tensor<2xf16> : tensor<2xf16> loc("f16")
    %bf16 = q.constant dense<[1.0, -2.5]> : tensor<2xbf16> : tensor<2xbf16> loc("bf16")
    %a = q.add %x, %w : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("add")
    %dead = q.mul %a, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("dead")
    %m = q.mul %a, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc(fused["mul", "other"])
    %r = q.relu %m : tensor<2x3xf32> loc("add")
    %n = q.not %b : tensor<4xi1>
    %hh = q.add %h, %h : (tensor<2x3xf16>, tensor<2x3xf16>) -> tensor<2x3xf16>
    %qq = q.quantize %r : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<u8:f32, 0.5:3>> loc("quant")
    %qi = q.storage_cast %qq : tensor<2x3x!quant.uniform<u8:f32, 0.5:3>> -> tensor<2x3xui8> loc("view")
    return %r, %x, %r, %n, %c, %qi, %hh, %f16, %bf16 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<4xi1>, tensor<3xi64>, tensor<2x3xui8>, tensor<2x3xf16>, tensor<2xf16>, tensor<2xbf16>
  }
}
{-#
  dialect_resources: {
    builtin: {
      weights: "0x04000000000080BF0000004000004040"
    }
  }
#-}
