// A q_proj Gemm with alpha = 2, trans_a and trans_b, for q-lora-merge.test:
// merge divides the update by alpha, unmerged transposes the input of its
// branch.
func.func @main(%a: tensor<16x2xf32> {q.name = "a"}) -> (tensor<2x8xf32> {q.name = "y"}) {
  %w = q.constant dense<0.5> : tensor<8x16xf32> : tensor<8x16xf32> loc("model.layers.0.self_attn.q_proj.weight")
  %c = q.constant dense<1.0> : tensor<8xf32> : tensor<8xf32>
  %y = q.gemm %a, %w, %c {alpha = 2.0 : f32, trans_a, trans_b} : (tensor<16x2xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<2x8xf32> loc("q_proj_gemm")
  return %y : tensor<2x8xf32>
}
