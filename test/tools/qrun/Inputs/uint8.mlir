// Input of ../mlir-input.test: unsigned arithmetic wraps and divides
// unsigned (200 + 100 = 44 mod 256; 255 / 1 = 255, not -1).
func.func @main(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xui8> {q.name = "sum"}, tensor<4xui8> {q.name = "quotient"}) {
  %0 = q.add %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = q.div %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0, %1 : tensor<4xui8>, tensor<4xui8>
}
