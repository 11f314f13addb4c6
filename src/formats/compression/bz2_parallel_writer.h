// Bz2ParallelWriter: bzip2 compression on every core, pbzip2-style.
//
// Input is cut into pieces of 99% of the block size (891,000 bytes at level
// 9; the 1% leaves room for bzip2's run-length first stage, so ordinary text
// fits one block); each piece is compressed on the pool into its own complete
// bzip2 stream ("BZh9", one block, end-of-stream marker and combined CRC),
// and the streams are written to the file in input order. At most
// 2 × pool size + 1 pieces are in flight, which bounds memory; append()
// blocks on the oldest piece when that many are pending. The output depends
// only on the bytes appended, not on how they were split into append() calls
// or on the pool's size. An empty input becomes one empty stream.
// A concatenation of bzip2 streams is a valid .bz2 file for bzip2, lbzip2,
// pbzip2, Python's bz2 module and medallion's own reader.
//
// Ownership and thread safety: the writer borrows the file and the pool,
// which must outlive it; one thread calls append()/finish(). After an error
// every later call returns the same error (the file holds a prefix of the
// output).
#pragma once

#include <cstdint>
#include <deque>
#include <future>
#include <string>
#include <string_view>

#include "util/file_system.h"
#include "util/status.h"
#include "util/thread_pool.h"

namespace medallion::compression {

class Bz2ParallelWriter {
 public:
  // level: 1..9 (block size 100k..900k).
  Bz2ParallelWriter(util::WritableFile& file, util::ThreadPool& pool, int level = 9);
  ~Bz2ParallelWriter();

  util::Status append(std::string_view data);
  // Compresses what is buffered and writes every pending stream. Does not
  // sync or close the file.
  util::Status finish();

  uint64_t bytes_in() const { return bytes_in_; }
  uint64_t bytes_out() const { return bytes_out_; }

 private:
  void submit_piece();
  util::Status drain(size_t keep_in_flight);

  util::WritableFile& file_;
  util::ThreadPool& pool_;
  int level_;
  size_t piece_size_;
  std::string pending_;
  std::deque<std::future<util::Result<std::string>>> in_flight_;
  uint64_t bytes_in_ = 0;
  uint64_t bytes_out_ = 0;
  util::Status error_;  // sticky: the first failure
};

}  // namespace medallion::compression
