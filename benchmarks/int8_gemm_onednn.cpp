//===- int8_gemm_onednn.cpp - a qmlir int8 GEMM against oneDNN's ----------===//
//
// Part of qmlir. Built and run by benchmarks/int8_gemm.py, not by the main
// build: times, in one process, a model qcompile compiled (a shared library
// computing C[M][N] = A[M][K] (u8) x W[K][N] (s8), exact in i32) and
// oneDNN's u8s8s32 matmul primitive on the same A and W, and checks that
// both give the same C.
//
//   int8_gemm_onednn LIB.so NAME M N K A.bin W.bin RUNS ROUNDS
//
// A.bin and W.bin are row-major uint8 and int8. Each round times RUNS calls
// of qmlir, then RUNS of oneDNN (one untimed call of each first); the
// output is, per side, the median and the minimum over all timed calls:
//
//   qmlir MEDIAN_MS MIN_MS
//   onednn MEDIAN_MS MIN_MS
//   onednn_impl IMPL
//   equal yes|no
//
// Weights are prepared outside the timings on both sides: qcompile packs
// them at compile time, oneDNN's are reordered once into the layout its
// primitive asks for.
//
//===----------------------------------------------------------------------===//

#include <oneapi/dnnl/dnnl.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

using RunFn = int (*)(const uint8_t *, int32_t *, void *);
using SizeFn = size_t (*)();

[[noreturn]] void die(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  std::exit(1);
}

/// 64-byte aligned bytes, as the model's C ABI wants its buffers.
struct Aligned {
  explicit Aligned(size_t bytes) {
    size_t size = std::max<size_t>((bytes + 63) / 64 * 64, 64);
    data = std::aligned_alloc(64, size);
    if (!data)
      die("out of memory");
    std::memset(data, 0, size);
  }
  ~Aligned() { std::free(data); }
  void *data;
};

void readFile(const char *path, void *to, size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  in.read(static_cast<char *>(to), static_cast<std::streamsize>(bytes));
  if (!in || static_cast<size_t>(in.gcount()) != bytes)
    die(std::string("cannot read ") + std::to_string(bytes) + " bytes from " +
        path);
}

template <typename F> double timeMs(F &&f) {
  auto start = std::chrono::steady_clock::now();
  f();
  std::chrono::duration<double, std::milli> d =
      std::chrono::steady_clock::now() - start;
  return d.count();
}

void report(const char *side, std::vector<double> times) {
  std::sort(times.begin(), times.end());
  size_t n = times.size();
  double median = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  std::printf("%s %.4f %.4f\n", side, median, times.front());
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 10)
    die("usage: int8_gemm_onednn LIB.so NAME M N K A.bin W.bin RUNS ROUNDS");
  const char *lib = argv[1];
  std::string name = argv[2];
  long m = std::atol(argv[3]), n = std::atol(argv[4]), k = std::atol(argv[5]);
  int runs = std::atoi(argv[8]), rounds = std::atoi(argv[9]);
  if (m <= 0 || n <= 0 || k <= 0 || runs <= 0 || rounds <= 0)
    die("M, N, K, RUNS and ROUNDS must be positive");

  void *handle = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    die(std::string("cannot load ") + lib + ": " + dlerror());
  auto run = reinterpret_cast<RunFn>(dlsym(handle, (name + "_run").c_str()));
  auto wsSize = reinterpret_cast<SizeFn>(
      dlsym(handle, (name + "_workspace_size").c_str()));
  if (!run || !wsSize)
    die(lib + std::string(" has no ") + name + "_run / " + name +
        "_workspace_size");

  Aligned a(m * k), w(k * n), ours(m * n * 4), theirs(m * n * 4),
      workspace(wsSize());
  readFile(argv[6], a.data, m * k);
  readFile(argv[7], w.data, k * n);
  auto *a8 = static_cast<uint8_t *>(a.data);
  auto *c32 = static_cast<int32_t *>(ours.data);

  using namespace dnnl;
  using dt = memory::data_type;
  using tag = memory::format_tag;
  engine eng(engine::kind::cpu, 0);
  stream strm(eng);
  memory::desc srcMd({m, k}, dt::u8, tag::ab);
  memory::desc userWeiMd({k, n}, dt::s8, tag::ab);
  memory::desc weiMd({k, n}, dt::s8, tag::any);
  memory::desc dstMd({m, n}, dt::s32, tag::ab);
#if DNNL_VERSION_MAJOR >= 3
  matmul::primitive_desc pd(eng, srcMd, weiMd, dstMd);
#else
  matmul::primitive_desc pd(matmul::desc(srcMd, weiMd, dstMd), eng);
#endif
  memory src(srcMd, eng, a.data), dst(dstMd, eng, theirs.data);
  memory userWei(userWeiMd, eng, w.data), wei(pd.weights_desc(), eng);
  reorder(userWei, wei).execute(strm, userWei, wei);
  strm.wait();
  matmul mm(pd);
  auto onednn = [&] {
    mm.execute(
        strm,
        {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}});
    strm.wait();
  };
  auto qmlir = [&] {
    int status = run(a8, c32, workspace.data);
    if (status != 0)
      die(name + "_run returned " + std::to_string(status));
  };

  qmlir();
  onednn();
  std::vector<double> oursMs, theirsMs;
  for (int r = 0; r < rounds; ++r) {
    for (int i = 0; i < runs; ++i)
      oursMs.push_back(timeMs(qmlir));
    for (int i = 0; i < runs; ++i)
      theirsMs.push_back(timeMs(onednn));
  }
  report("qmlir", oursMs);
  report("onednn", theirsMs);
  std::printf("onednn_impl %s\n", pd.impl_info_str());
  std::printf("equal %s\n",
              std::memcmp(ours.data, theirs.data, m * n * 4) ? "no" : "yes");
  return 0;
}
