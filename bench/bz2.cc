// bench/bz2: medallion's bzip2 block decoder against libbz2 on the blocks of
// one file, on one thread, in the same process. Rounds alternate between the
// two so that machine noise hits both; each side's median is reported.
//
//   bench_bz2 FILE [--rounds N]
//
// Every block must decode to the same bytes both ways, or the bench fails.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench_timing.h"
#include "formats/compression/bz2_block.h"
#include "formats/compression/bz2_block_decoder.h"

namespace {

using medallion::bench::now_seconds;
using medallion::bench::median;

using medallion::compression::Bz2Segment;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_bz2 FILE [--rounds N]\n");
    return 2;
  }
  int rounds = 3;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) rounds = std::atoi(argv[++i]);
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string file = buffer.str();
  if (file.size() < 4 || file.compare(0, 3, "BZh") != 0) {
    std::fprintf(stderr, "bench bz2: %s is not a bzip2 file\n", argv[1]);
    return 1;
  }
  const std::vector<Bz2Segment> blocks = medallion::compression::cut_all_blocks(file);

  std::vector<double> ours;
  std::vector<double> libbz2;
  uint64_t bytes = 0;
  for (int r = 0; r < rounds; ++r) {
    double start = now_seconds();
    std::vector<std::string> a;
    for (const Bz2Segment& s : blocks) {
      auto out = medallion::compression::decode_bz2_block_bits(
          reinterpret_cast<const uint8_t*>(s.bytes.data()), s.bytes.size(), s.first_bit,
          s.bit_length);
      if (!out.is_ok()) {
        std::fprintf(stderr, "bench bz2: block at bit %llu: %s\n",
                     static_cast<unsigned long long>(s.file_bit), out.status().message().c_str());
        return 1;
      }
      a.push_back(std::move(out).value());
    }
    ours.push_back(now_seconds() - start);
    start = now_seconds();
    bytes = 0;
    for (size_t i = 0; i < blocks.size(); ++i) {
      auto out = medallion::compression::decode_bz2_block_with_libbz2(blocks[i]);
      if (!out.is_ok() || *out != a[i]) {
        std::fprintf(stderr, "bench bz2: block %zu differs from libbz2's\n", i);
        return 1;
      }
      bytes += out->size();
    }
    libbz2.push_back(now_seconds() - start);
  }
  const double t = median(ours);
  const double base = median(libbz2);
  std::printf(
      "bench bz2: decode=%.3fs (%.0f MB/s) baseline=libbz2 %.3fs (%.0f MB/s) ratio=%.2f "
      "(%zu blocks, %.1f MB, one thread, median of %d)\n",
      t, bytes / t / 1e6, base, bytes / base / 1e6, base / t, blocks.size(), bytes / 1e6, rounds);
  return 0;
}
