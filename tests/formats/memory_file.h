// A SequentialFile over bytes in memory that returns short reads of a chosen
// size, so that readers meet refills at every kind of boundary.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "util/file_system.h"

namespace medallion::testing {

class MemoryFile final : public util::SequentialFile {
 public:
  explicit MemoryFile(std::string data, size_t max_read = 1 << 20)
      : data_(std::move(data)), max_read_(max_read) {}
  util::Result<size_t> read(char* buf, size_t n) override {
    const size_t k = std::min({n, data_.size() - pos_, max_read_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  const std::string& path() const override { return path_; }

  static std::unique_ptr<util::SequentialFile> of(std::string data, size_t max_read = 1 << 20) {
    return std::make_unique<MemoryFile>(std::move(data), max_read);
  }

 private:
  std::string data_;
  size_t pos_ = 0;
  size_t max_read_;
  std::string path_ = "memory.bin";
};

}  // namespace medallion::testing
