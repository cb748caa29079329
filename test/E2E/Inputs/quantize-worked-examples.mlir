// Input of ../quantize-worked-examples.test.
func.func @main(%x: tensor<8xf32>) -> (tensor<8x!quant.uniform<u8:f32, 3.92156863>>, tensor<8x!quant.uniform<u8:f32, 4.0:5>>, tensor<8x!quant.uniform<u8:f32, 1.0>>, tensor<8xf32>) {
  %a = q.quantize %x : tensor<8xf32> -> tensor<8x!quant.uniform<u8:f32, 3.92156863>>
  %b = q.quantize %x : tensor<8xf32> -> tensor<8x!quant.uniform<u8:f32, 4.0:5>>
  %c = q.quantize %x : tensor<8xf32> -> tensor<8x!quant.uniform<u8:f32, 1.0>>
  %d = q.fake_quant %x {quant_type = !quant.uniform<u8:f32, 4.0:5>} : tensor<8xf32>
  return %a, %b, %c, %d : tensor<8x!quant.uniform<u8:f32, 3.92156863>>, tensor<8x!quant.uniform<u8:f32, 4.0:5>>, tensor<8x!quant.uniform<u8:f32, 1.0>>, tensor<8xf32>
}
