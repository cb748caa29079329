func.func @main(%x: tensor<1x4xf32> {q.name = "x"}) -> (tensor<1x4xf32> {q.name = "y"}) {
  %r = q.relu %x : tensor<1x4xf32> loc("relu1")
  %n = q.neg %r : tensor<1x4xf32> loc("neg1")
  return %n : tensor<1x4xf32>
}
