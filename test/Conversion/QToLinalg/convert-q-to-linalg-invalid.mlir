// RUN: qopt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(convert-q-to-linalg))'

// Blockwise (sub-channel) types belong to the weight-only kernels; the
// element-wise lowering says so instead of guessing.
func.func @blockwise(%x: tensor<4x2xf32>) -> tensor<4x2x!quant.uniform<i4:f32:{0:2, 1:1}, {{2.0:1, 3.0:2}, {4.0:3, 5.0:4}}>> {
  // expected-error @+2 {{'q.quantize' op cannot lower blockwise quantized type}}
  // expected-error @+1 {{failed to legalize operation 'q.quantize'}}
  %q = q.quantize %x : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<i4:f32:{0:2, 1:1}, {{2.0:1, 3.0:2}, {4.0:3, 5.0:4}}>>
  return %q : tensor<4x2x!quant.uniform<i4:f32:{0:2, 1:1}, {{2.0:1, 3.0:2}, {4.0:3, 5.0:4}}>>
}
