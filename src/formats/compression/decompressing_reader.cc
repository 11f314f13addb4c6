#include "formats/compression/decompressing_reader.h"

#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <string>

#include "formats/compression/bz2_parallel_reader.h"

namespace medallion::compression {

namespace {

constexpr size_t kChunkBytes = 1 << 20;

// A file whose first bytes were already read (to sniff the codec).
class PrefixedFile final : public util::SequentialFile {
 public:
  PrefixedFile(std::string prefix, std::unique_ptr<util::SequentialFile> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}

  util::Result<size_t> read(char* buf, size_t n) override {
    if (pos_ < prefix_.size()) {
      const size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return rest_->read(buf, n);
  }
  const std::string& path() const override { return rest_->path(); }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<util::SequentialFile> rest_;
};

class PlainReader final : public ChunkReader {
 public:
  explicit PlainReader(std::unique_ptr<util::SequentialFile> file) : file_(std::move(file)) {}

  util::Result<std::string_view> next() override {
    buf_.resize(kChunkBytes);
    MEDALLION_ASSIGN_OR_RETURN(const size_t n, file_->read(buf_.data(), buf_.size()));
    read_ += n;
    return std::string_view(buf_.data(), n);
  }
  uint64_t compressed_bytes_read() const override { return read_; }
  Codec codec() const override { return Codec::kPlain; }

 private:
  std::unique_ptr<util::SequentialFile> file_;
  std::string buf_;
  uint64_t read_ = 0;
};

// Shared input handling of the sequential decompressors.
class StreamingReader : public ChunkReader {
 public:
  explicit StreamingReader(std::unique_ptr<util::SequentialFile> file) : file_(std::move(file)) {}
  uint64_t compressed_bytes_read() const override { return read_; }

 protected:
  // Refills in_ when empty; false at end of file.
  util::Result<bool> refill() {
    if (in_pos_ < in_.size()) return true;
    in_.resize(kChunkBytes);
    MEDALLION_ASSIGN_OR_RETURN(const size_t n, file_->read(in_.data(), in_.size()));
    in_.resize(n);
    in_pos_ = 0;
    read_ += n;
    return n > 0;
  }
  util::Status corrupt(std::string_view codec, std::string_view what) const {
    return util::Status::corruption(std::string(codec) + ": " + std::string(what) + " (" +
                                    file_->path() + ", compressed byte offset " +
                                    std::to_string(read_ - (in_.size() - in_pos_)) +
                                    "): the file is damaged; fetch it again");
  }

  std::unique_ptr<util::SequentialFile> file_;
  std::string in_;
  size_t in_pos_ = 0;
  std::string out_;
  uint64_t read_ = 0;
};

class GzipReader final : public StreamingReader {
 public:
  explicit GzipReader(std::unique_ptr<util::SequentialFile> file)
      : StreamingReader(std::move(file)) {
    ok_ = inflateInit2(&z_, 15 + 16) == Z_OK;
  }
  ~GzipReader() override { inflateEnd(&z_); }

  Codec codec() const override { return Codec::kGzip; }

  util::Result<std::string_view> next() override {
    if (!ok_) return util::Status::internal("gzip: decoder could not be initialised");
    out_.resize(kChunkBytes);
    size_t produced = 0;
    while (produced < out_.size()) {
      MEDALLION_ASSIGN_OR_RETURN(const bool more, refill());
      if (!more) {
        if (in_member_) return corrupt("gzip", "truncated stream");
        break;
      }
      z_.next_in = reinterpret_cast<Bytef*>(in_.data() + in_pos_);
      z_.avail_in = static_cast<uInt>(in_.size() - in_pos_);
      z_.next_out = reinterpret_cast<Bytef*>(out_.data() + produced);
      z_.avail_out = static_cast<uInt>(out_.size() - produced);
      in_member_ = true;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      in_pos_ = in_.size() - z_.avail_in;
      produced = out_.size() - z_.avail_out;
      if (rc == Z_STREAM_END) {
        in_member_ = false;  // another member may follow (concatenated gzip)
        inflateReset(&z_);
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return corrupt("gzip", z_.msg ? z_.msg : "invalid data");
      }
    }
    return std::string_view(out_.data(), produced);
  }

 private:
  z_stream z_{};
  bool ok_ = false;
  bool in_member_ = false;
};

class ZstdReader final : public StreamingReader {
 public:
  explicit ZstdReader(std::unique_ptr<util::SequentialFile> file)
      : StreamingReader(std::move(file)), dctx_(ZSTD_createDCtx()) {}
  ~ZstdReader() override { ZSTD_freeDCtx(dctx_); }

  Codec codec() const override { return Codec::kZstd; }

  util::Result<std::string_view> next() override {
    if (dctx_ == nullptr) return util::Status::internal("zstd: decoder could not be created");
    out_.resize(kChunkBytes);
    ZSTD_outBuffer out{out_.data(), out_.size(), 0};
    while (out.pos < out.size) {
      MEDALLION_ASSIGN_OR_RETURN(const bool more, refill());
      if (!more) {
        if (pending_ != 0) return corrupt("zstd", "truncated frame");
        break;
      }
      ZSTD_inBuffer in{in_.data(), in_.size(), in_pos_};
      pending_ = ZSTD_decompressStream(dctx_, &out, &in);
      in_pos_ = in.pos;
      if (ZSTD_isError(pending_)) return corrupt("zstd", ZSTD_getErrorName(pending_));
    }
    return std::string_view(out_.data(), out.pos);
  }

 private:
  ZSTD_DCtx* dctx_;
  size_t pending_ = 0;  // non-zero: inside a frame
};

}  // namespace

util::Result<std::unique_ptr<ChunkReader>> open_decompressed(
    std::unique_ptr<util::SequentialFile> file, const DecompressOptions& options) {
  std::string head(4, '\0');
  size_t got = 0;
  while (got < head.size()) {
    MEDALLION_ASSIGN_OR_RETURN(const size_t n, file->read(head.data() + got, head.size() - got));
    if (n == 0) break;
    got += n;
  }
  head.resize(got);
  const Codec codec = detect_codec(head);
  auto input = std::make_unique<PrefixedFile>(std::move(head), std::move(file));
  switch (codec) {
    case Codec::kBzip2: return open_bz2_parallel_reader(std::move(input), options);
    case Codec::kGzip: return std::unique_ptr<ChunkReader>(new GzipReader(std::move(input)));
    case Codec::kZstd: return std::unique_ptr<ChunkReader>(new ZstdReader(std::move(input)));
    case Codec::kPlain: return std::unique_ptr<ChunkReader>(new PlainReader(std::move(input)));
  }
  return util::Status::internal("unknown codec");
}

}  // namespace medallion::compression
