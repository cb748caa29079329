// Input of ../quantized.test: quantized tensors at the model's boundary,
// per axis (an input) and per tensor (an output).
func.func @main(%w: tensor<2x3x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-2}>> {q.name = "weights"},
                %x: tensor<4xf32> {q.name = "x"})
    -> (tensor<2x3xf32> {q.name = "real"},
        tensor<4x!quant.uniform<u8:f32, 4.0:5>> {q.name = "codes"}) {
  %r = q.dequantize %w : tensor<2x3x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-2}>> -> tensor<2x3xf32>
  %q = q.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 4.0:5>>
  return %r, %q : tensor<2x3xf32>, tensor<4x!quant.uniform<u8:f32, 4.0:5>>
}
