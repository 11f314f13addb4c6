// LineWindow: the recent bytes of a JSON Lines stream, kept so that the text
// of a line can be looked up by its 1-based number after a decoder has
// handed the line back as a row (refine quarantines duplicate lines with
// their raw text, which the decoder keeps only for the lines it rejects).
//
// The owner appends every chunk before feeding it to the decoder, then asks
// for lines in ascending order (line()), and releases lines it will not ask
// for again (release_before()). Bytes before the cursor are dropped, so the
// window holds only the lines the decoder has not handed back yet (about
// one decoder batch) plus the current chunk; walking the cursor scans each
// byte of the stream once.
//
// Thread safety: a LineWindow is used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace medallion::pipeline {

class LineWindow {
 public:
  // Appends the next bytes of the stream.
  void append(std::string_view chunk);

  // The text of line `number` (without its '\n' and a '\r' before it), or
  // of the unterminated last line. Lines before the cursor are gone: number
  // must not be below the last number asked for or released (asserted). The
  // line's start must have been appended; a line whose end has not yields
  // the bytes appended so far.
  std::string_view line(int64_t number);

  // Drops the bytes of every line before `number` (of those appended).
  void release_before(int64_t number);

  // Bytes in the buffer, released ones not compacted away yet included (for
  // tests of the memory bound).
  size_t held_bytes() const { return text_.size(); }

 private:
  // Moves the cursor to the start of line `number` (>= cursor_line_).
  void seek(int64_t number);

  std::string text_;
  size_t start_ = 0;         // offset in text_ of the cursor line's first byte
  int64_t cursor_line_ = 1;  // the line that starts at start_
};

}  // namespace medallion::pipeline
