// Bz2ParallelReader: decodes a .bz2 file block by block on a thread pool and
// delivers the blocks' bytes in file order (one chunk per block).
//
// The calling thread scans the compressed bytes for block boundaries (the
// 48-bit magics of bz2_format.h, at any bit offset), cuts each block out
// (bz2_block.h) and submits it; workers decode blocks independently with
// libbz2. At most max_blocks_in_flight blocks are scanned ahead of the
// consumer, and compressed input is read 1 MiB at a time, so memory stays
// bounded whatever the file size. Concatenated streams (pbzip2's output)
// are read one after another; each stream's combined CRC is verified.
//
// A magic pattern can occur by chance inside compressed data. A block that
// fails to decode is therefore retried joined with the following piece(s) of
// the same stream before it is reported as corrupt; an end-of-stream magic is
// only believed when zero padding and then end of file or a new stream header
// follow it.
//
// Ownership and thread safety: owns the file; borrows the pool (which must
// outlive the reader); one consumer thread.
#pragma once

#include <memory>

#include "formats/compression/decompressing_reader.h"

namespace medallion::compression {

util::Result<std::unique_ptr<ChunkReader>> open_bz2_parallel_reader(
    std::unique_ptr<util::SequentialFile> file, const DecompressOptions& options);

}  // namespace medallion::compression
