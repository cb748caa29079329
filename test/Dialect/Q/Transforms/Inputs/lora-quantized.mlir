// A q_proj MatMul whose weight is int8, read through q.dequantize, for
// q-lora-merge.test (unmerged adds a branch) and q-lora-merge-errors.test
// (merge cannot change it).
func.func @main(%x: tensor<2x16xf32>) -> tensor<2x8xf32> {
  %wq = q.constant dense<1> : tensor<16x8xi8> : tensor<16x8x!quant.uniform<i8:f32, 0.1>>
  %w = q.dequantize %wq : tensor<16x8x!quant.uniform<i8:f32, 0.1>> -> tensor<16x8xf32>
  %y = q.matmul %x, %w : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32> loc("/model/layers.0/self_attn/q_proj/MatMul")
  return %y : tensor<2x8xf32>
}
