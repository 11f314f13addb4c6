#include "formats/compression/bz2_parallel_writer.h"

#include <bzlib.h>

#include <algorithm>
#include <string>
#include <utility>

namespace medallion::compression {

namespace {

// bzip2's first stage (RLE1) turns each run of 4..255 equal bytes into 5
// bytes, so a block can hold slightly less input than its nominal size when
// the input has runs of exactly four. Leaving 1% headroom keeps ordinary
// text to one block per stream; input that still overflows simply becomes a
// two-block stream, which every reader accepts.
size_t piece_size_for(int level) {
  const auto nominal = static_cast<size_t>(level) * 100000;
  return nominal - nominal / 100;
}

// Compresses one piece into a complete bzip2 stream.
util::Result<std::string> compress_stream(const std::string& piece, int level) {
  // bzip2's documented worst case: 1% larger plus 600 bytes.
  auto capacity = static_cast<unsigned int>(piece.size() + piece.size() / 100 + 600);
  std::string out(capacity, '\0');
  // The source is only read; libbzip2's signature predates const.
  const int rc = BZ2_bzBuffToBuffCompress(out.data(), &capacity, const_cast<char*>(piece.data()),
                                          static_cast<unsigned int>(piece.size()), level,
                                          /*verbosity=*/0, /*workFactor=*/0);
  if (rc != BZ_OK) {
    return util::Status::internal(
        "compression: bzip2 compression failed (libbz2 code " + std::to_string(rc) + ", piece of " +
        std::to_string(piece.size()) + " bytes): this is a bug, please report it");
  }
  out.resize(capacity);
  return out;
}

}  // namespace

Bz2ParallelWriter::Bz2ParallelWriter(util::WritableFile& file, util::ThreadPool& pool, int level)
    : file_(file),
      pool_(pool),
      level_(std::clamp(level, 1, 9)),
      piece_size_(piece_size_for(level_)) {
  pending_.reserve(piece_size_);
}

// Futures of packaged tasks do not block on destruction, and the tasks own
// their pieces, so pending work may finish after the writer is gone.
Bz2ParallelWriter::~Bz2ParallelWriter() = default;

util::Status Bz2ParallelWriter::append(std::string_view data) {
  if (!error_.is_ok()) return error_;
  bytes_in_ += data.size();
  while (!data.empty()) {
    const size_t take = std::min(piece_size_ - pending_.size(), data.size());
    pending_.append(data.data(), take);
    data.remove_prefix(take);
    if (pending_.size() == piece_size_) {
      submit_piece();
      // Bounded memory: at most two pieces per worker (plus one) in flight.
      MEDALLION_RETURN_IF_ERROR(drain(2 * pool_.size() + 1));
    }
  }
  return util::Status::ok();
}

util::Status Bz2ParallelWriter::finish() {
  if (!error_.is_ok()) return error_;
  // An empty input still becomes a valid (empty) bzip2 stream, as `bzip2 <
  // /dev/null` writes, so that readers see a .bz2 file and not zero bytes.
  if (!pending_.empty() || (bytes_out_ == 0 && in_flight_.empty())) submit_piece();
  return drain(0);
}

void Bz2ParallelWriter::submit_piece() {
  std::string piece = std::move(pending_);
  pending_ = std::string();
  pending_.reserve(piece_size_);
  const int level = level_;
  in_flight_.push_back(
      pool_.submit([piece = std::move(piece), level] { return compress_stream(piece, level); }));
}

util::Status Bz2ParallelWriter::drain(size_t keep_in_flight) {
  while (in_flight_.size() > keep_in_flight) {
    util::Result<std::string> stream = in_flight_.front().get();
    in_flight_.pop_front();
    if (!stream.is_ok()) {
      error_ = stream.status();
      return error_;
    }
    if (util::Status st = file_.append(*stream); !st.is_ok()) {
      error_ = st;
      return error_;
    }
    bytes_out_ += stream->size();
  }
  return util::Status::ok();
}

}  // namespace medallion::compression
