#include "formats/compression/bz2_parallel_reader.h"

#include <deque>
#include <future>
#include <optional>
#include <string>

#include "formats/compression/bz2_block.h"
#include "formats/compression/bz2_format.h"
#include "formats/compression/bz2_magic_scanner.h"
#include "util/thread_pool.h"

namespace medallion::compression {

namespace {

constexpr size_t kReadBytes = 1 << 20;
// A block that fails to decode is retried joined with up to this many
// following pieces (each join undoes one chance magic inside the block).
constexpr int kMaxJoins = 3;

class Bz2ParallelReader final : public ChunkReader {
 public:
  Bz2ParallelReader(std::unique_ptr<util::SequentialFile> file, const DecompressOptions& options)
      : file_(std::move(file)), pool_(options.pool) {
    max_in_flight_ = options.max_blocks_in_flight;
    if (max_in_flight_ == 0) max_in_flight_ = pool_ ? 2 * pool_->size() + 1 : 1;
  }

  ~Bz2ParallelReader() override {
    // Workers hold no references into this object, but wait for them so that
    // no decoding outlives the reader.
    for (auto& item : items_) {
      if (item.result.valid()) item.result.wait();
    }
  }

  util::Result<std::string_view> next() override;
  uint64_t compressed_bytes_read() const override { return bytes_read_; }
  Codec codec() const override { return Codec::kBzip2; }

 private:
  enum class ItemKind { kBlock, kStreamEnd, kError };
  struct Item {
    ItemKind kind;
    Bz2Segment segment;                               // kBlock
    std::future<util::Result<std::string>> result;    // kBlock, when decoded on the pool
    uint32_t stream_crc = 0;                          // kStreamEnd
    uint64_t offset = 0;                              // kStreamEnd: file byte offset
    util::Status error;                               // kError
  };
  enum class ScanState { kStreamHeader, kInBlock, kDone };

  void fill_pipeline();
  // Reads more input; false at end of file (or on a read error, queued).
  bool read_more();
  void compact();
  void push_error(util::Status status);
  void push_block(uint64_t end_bit);
  // Queues the current block, ending at the end magic at `magic_bit`, and the
  // end of its stream.
  void push_stream_end(uint64_t magic_bit, uint32_t combined_crc);
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(buf_.data()); }
  uint64_t buf_end_bit() const { return (buf_offset_ + buf_.size()) * 8; }
  // Bits [abs_bit, abs_bit + n) relative to the buffer, or nullopt if not
  // (yet) in the buffer.
  std::optional<uint64_t> bits_at(uint64_t abs_bit, int n);
  util::Result<std::string> take_block(Item& item);
  util::Status corrupt(uint64_t file_bit, std::string_view what) const;

  std::unique_ptr<util::SequentialFile> file_;
  util::ThreadPool* pool_;
  size_t max_in_flight_;
  Bz2MagicScanner scanner_;

  std::string buf_;          // compressed bytes [buf_offset_, buf_offset_ + size)
  uint64_t buf_offset_ = 0;  // file offset of buf_[0]
  uint64_t bytes_read_ = 0;
  bool eof_ = false;

  ScanState state_ = ScanState::kStreamHeader;
  uint64_t header_byte_ = 0;  // kStreamHeader: where the next stream starts
  uint64_t block_bit_ = 0;    // kInBlock: where the current block starts
  uint64_t scan_bit_ = 0;     // kInBlock: where to look for the next magic
  uint64_t streams_ = 0;
  // The last end magic we did not believe: well padded, but followed by
  // neither a stream nor end of file. If no later boundary turns up, it was
  // real and trailing bytes follow the stream.
  struct DoubtedEnd {
    uint64_t magic_bit = 0;  // 0 = none (a magic never starts at bit 0)
    uint32_t crc = 0;
  } doubted_end_;

  std::deque<Item> items_;
  uint32_t combined_crc_ = 0;
  std::string current_;
  util::Status failed_;
};

util::Status Bz2ParallelReader::corrupt(uint64_t file_bit, std::string_view what) const {
  return util::Status::corruption(
      "bzip2: " + std::string(what) + " (" + file_->path() + ", compressed byte offset " +
      std::to_string(file_bit / 8) + "): the file is damaged or not bzip2; fetch it again");
}

bool Bz2ParallelReader::read_more() {
  if (eof_) return false;
  const size_t old = buf_.size();
  buf_.resize(old + kReadBytes);
  util::Result<size_t> n = file_->read(buf_.data() + old, kReadBytes);
  if (!n.is_ok()) {
    buf_.resize(old);
    eof_ = true;
    push_error(n.status());
    return false;
  }
  buf_.resize(old + *n);
  bytes_read_ += *n;
  if (*n == 0) eof_ = true;
  return *n > 0;
}

void Bz2ParallelReader::compact() {
  uint64_t keep_from = state_ == ScanState::kInBlock ? block_bit_ / 8 : header_byte_;
  if (keep_from <= buf_offset_) return;
  const uint64_t drop = std::min<uint64_t>(keep_from - buf_offset_, buf_.size());
  if (drop < buf_.size() / 2 && drop < kReadBytes) return;  // not worth the move yet
  buf_.erase(0, drop);
  buf_offset_ += drop;
}

std::optional<uint64_t> Bz2ParallelReader::bits_at(uint64_t abs_bit, int n) {
  while (abs_bit + static_cast<uint64_t>(n) > buf_end_bit()) {
    if (!read_more()) return std::nullopt;
  }
  return read_bits(data(), abs_bit - buf_offset_ * 8, n);
}

void Bz2ParallelReader::push_error(util::Status status) {
  Item item{ItemKind::kError, {}, {}, 0, 0, std::move(status)};
  items_.push_back(std::move(item));
  state_ = ScanState::kDone;
}

void Bz2ParallelReader::push_block(uint64_t end_bit) {
  Item item{ItemKind::kBlock, {}, {}, 0, 0, {}};
  item.segment = cut_segment(data(), block_bit_ - buf_offset_ * 8, end_bit - block_bit_, block_bit_);
  if (pool_ != nullptr) {
    // The task owns a copy of the segment so that it never touches this object.
    item.result = pool_->submit([segment = item.segment] { return decode_bz2_block(segment); });
  }
  items_.push_back(std::move(item));
}

void Bz2ParallelReader::fill_pipeline() {
  while (state_ != ScanState::kDone && items_.size() < max_in_flight_) {
    compact();
    if (state_ == ScanState::kStreamHeader) {
      // Need the header; at end of file after a complete stream we are done.
      while (header_byte_ + bz2::kStreamHeaderBytes > buf_offset_ + buf_.size() && read_more()) {
      }
      const uint64_t have = buf_offset_ + buf_.size() - header_byte_;
      if (have == 0 && streams_ > 0) {
        state_ = ScanState::kDone;
        return;
      }
      const char* h = buf_.data() + (header_byte_ - buf_offset_);
      if (have < 4 || h[0] != 'B' || h[1] != 'Z' || h[2] != 'h' || h[3] < '1' || h[3] > '9') {
        push_error(corrupt(header_byte_ * 8, streams_ == 0 ? "no bzip2 stream header"
                                                           : "unexpected bytes after a stream"));
        return;
      }
      ++streams_;
      const uint64_t first = (header_byte_ + bz2::kStreamHeaderBytes) * 8;
      const std::optional<uint64_t> magic = bits_at(first, bz2::kMagicBits);
      if (magic == bz2::kBlockMagic) {
        state_ = ScanState::kInBlock;
        block_bit_ = first;
        scan_bit_ = first + bz2::kMagicBits;
        continue;
      }
      if (magic == bz2::kEndMagic) {  // an empty stream
        const std::optional<uint64_t> crc = bits_at(first + bz2::kMagicBits, bz2::kCrcBits);
        if (crc != 0) {
          push_error(corrupt(first, "bad end of an empty stream"));
          return;
        }
        header_byte_ = (first + bz2::kMagicBits + bz2::kCrcBits + 7) / 8;
        continue;
      }
      push_error(corrupt(first, magic ? "stream header not followed by a block"
                                      : "file ends inside a stream header"));
      return;
    }

    // kInBlock: find where the current block ends.
    const Bz2MagicHit hit = scanner_.find(data(), buf_.size(), scan_bit_ - buf_offset_ * 8);
    if (hit.magic == Bz2Magic::kNone) {
      scan_bit_ = std::max(scan_bit_, buf_offset_ * 8 + Bz2MagicScanner::resume_bit(buf_.size()));
      if (buf_end_bit() - block_bit_ > bz2::kMaxCompressedBlockBytes * 8) {
        push_error(corrupt(block_bit_, "no block boundary within 8 MiB"));
        return;
      }
      if (!read_more()) {
        if (state_ == ScanState::kDone) return;  // a read error was queued
        if (doubted_end_.magic_bit > block_bit_) {
          // The end magic we doubted was real: deliver the stream, then say
          // that bytes which are not a stream follow it.
          const uint64_t after = doubted_end_.magic_bit + bz2::kMagicBits + bz2::kCrcBits;
          push_stream_end(doubted_end_.magic_bit, doubted_end_.crc);
          push_error(corrupt((after + 7) / 8 * 8, "unexpected bytes after a stream"));
        } else {
          push_error(corrupt(block_bit_, "truncated file: the last block has no end"));
        }
        return;
      }
      continue;
    }
    const uint64_t at = buf_offset_ * 8 + hit.bit;
    if (hit.magic == Bz2Magic::kBlock) {
      push_block(at);
      block_bit_ = at;
      scan_bit_ = at + bz2::kMagicBits;
      continue;
    }
    // An end magic: believe it only if zero padding and then end of file or
    // a new stream header follow.
    const uint64_t crc_bit = at + bz2::kMagicBits;
    const uint64_t after = crc_bit + bz2::kCrcBits;
    const uint64_t next_byte = (after + 7) / 8;
    const std::optional<uint64_t> crc = bits_at(crc_bit, bz2::kCrcBits);
    const int pad = static_cast<int>(next_byte * 8 - after);
    const std::optional<uint64_t> padding = pad ? bits_at(after, pad) : std::optional<uint64_t>(0);
    bool genuine = crc.has_value() && padding == 0;
    if (genuine) {
      while (next_byte + bz2::kStreamHeaderBytes > buf_offset_ + buf_.size() && read_more()) {
      }
      const uint64_t have = buf_offset_ + buf_.size() - next_byte;
      if (have != 0) {
        const char* h = buf_.data() + (next_byte - buf_offset_);
        genuine = have >= 4 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h' && h[3] >= '1' &&
                  h[3] <= '9';
      }
    }
    if (!genuine && state_ == ScanState::kDone) return;  // a read error was queued
    if (!genuine) {
      if (crc.has_value() && padding == 0) doubted_end_ = {at, static_cast<uint32_t>(*crc)};
      scan_bit_ = at + 1;
      continue;
    }
    push_stream_end(at, static_cast<uint32_t>(*crc));
    state_ = ScanState::kStreamHeader;
    header_byte_ = next_byte;
  }
}

void Bz2ParallelReader::push_stream_end(uint64_t magic_bit, uint32_t combined_crc) {
  push_block(magic_bit);
  Item end{ItemKind::kStreamEnd, {}, {}, combined_crc, magic_bit / 8, {}};
  items_.push_back(std::move(end));
}

util::Result<std::string> Bz2ParallelReader::take_block(Item& item) {
  util::Result<std::string> out =
      item.result.valid() ? item.result.get() : decode_bz2_block(item.segment);
  if (out.is_ok()) return out;
  // Perhaps a chance magic split the block: retry joined with what follows.
  // `item` has already left the queue, so the next piece is at its front.
  Bz2Segment joined = item.segment;
  for (int joins = 0; joins < kMaxJoins; ++joins) {
    if (items_.empty()) fill_pipeline();
    if (items_.empty() || items_.front().kind != ItemKind::kBlock) break;
    joined = join_segments(joined, items_.front().segment);
    if (items_.front().result.valid()) items_.front().result.wait();
    items_.pop_front();
    util::Result<std::string> retry = decode_bz2_block(joined);
    if (retry.is_ok()) {
      item.segment = std::move(joined);  // its stored CRC is the true block's
      return retry;
    }
  }
  return corrupt(item.segment.file_bit, "corrupt block: " + out.status().message());
}

util::Result<std::string_view> Bz2ParallelReader::next() {
  if (!failed_.is_ok()) return failed_;
  for (;;) {
    fill_pipeline();
    if (items_.empty()) return std::string_view();
    Item& item = items_.front();
    switch (item.kind) {
      case ItemKind::kError:
        failed_ = item.error;
        items_.pop_front();
        return failed_;
      case ItemKind::kStreamEnd: {
        const bool ok = item.stream_crc == combined_crc_;
        const uint64_t offset = item.offset;
        items_.pop_front();
        combined_crc_ = 0;
        if (!ok) {
          failed_ = corrupt(offset * 8, "stream CRC mismatch");
          return failed_;
        }
        continue;
      }
      case ItemKind::kBlock: {
        Item block = std::move(item);
        items_.pop_front();
        util::Result<std::string> out = take_block(block);
        if (!out.is_ok()) {
          failed_ = out.status();
          return failed_;
        }
        combined_crc_ = bz2::combine_crc(combined_crc_, block.segment.stored_crc());
        current_ = std::move(out).value();
        return std::string_view(current_);
      }
    }
  }
}

}  // namespace

util::Result<std::unique_ptr<ChunkReader>> open_bz2_parallel_reader(
    std::unique_ptr<util::SequentialFile> file, const DecompressOptions& options) {
  return std::unique_ptr<ChunkReader>(new Bz2ParallelReader(std::move(file), options));
}

}  // namespace medallion::compression
