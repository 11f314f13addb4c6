// Frames (§1-2) and body compression (§5): reassembly from any split, the
// checks on version, direction, opcode and length, the answer that makes
// drivers fall back to v4, and both codecs with corrupt input.
#include "cql/protocol/frame.h"

#include <gtest/gtest.h>

#include "cql/protocol/body_compression.h"
#include "cql/protocol/messages.h"
#include "cql_test_util.h"

namespace medallion::cql {
namespace {

using testing::hex;

// OPTIONS on stream 1, then QUERY "x" on stream 2 (a real body).
std::string two_frames() {
  std::string query_body = testing::lstr("SELECT 1") + hex("0001 00");
  std::string out = hex("04 00 0001 05 00000000");
  out += hex("04 00 0002 07") + hex("0000000F") + query_body;
  return out;
}

std::vector<Frame> drain(FrameDecoder& d) {
  std::vector<Frame> frames;
  for (;;) {
    auto f = d.next();
    EXPECT_TRUE(f.is_ok()) << f.status().message();
    if (!f.is_ok() || !f->has_value()) break;
    frames.push_back(std::move(**f));
  }
  return frames;
}

TEST(Frame, HeaderEncodingIsBigEndian) {
  FrameHeader h;
  h.response = true;
  h.flags = kFlagTracing;
  h.stream = -1;
  h.opcode = Opcode::kEvent;
  h.length = 0x01020304;
  EXPECT_EQ(encode_frame_header(h), hex("84 02 FFFF 0C 01020304"));
}

TEST(Frame, DecodesTwoWholeFrames) {
  FrameDecoder d;
  d.feed(two_frames());
  auto frames = drain(d);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].header.opcode, Opcode::kOptions);
  EXPECT_EQ(frames[0].header.stream, 1);
  EXPECT_EQ(frames[0].body, "");
  EXPECT_EQ(frames[1].header.opcode, Opcode::kQuery);
  EXPECT_EQ(frames[1].header.stream, 2);
  EXPECT_EQ(frames[1].header.length, 15u);
  EXPECT_EQ(frames[1].body.size(), 15u);
  EXPECT_EQ(d.buffered_bytes(), 0u);
  EXPECT_EQ(d.version(), 4);
}

TEST(Frame, SplitAtEveryByteBoundary) {
  const std::string all = two_frames();
  for (size_t cut = 0; cut <= all.size(); ++cut) {
    FrameDecoder d;
    d.feed(std::string_view(all).substr(0, cut));
    auto first = drain(d);
    d.feed(std::string_view(all).substr(cut));
    auto second = drain(d);
    first.insert(first.end(), second.begin(), second.end());
    ASSERT_EQ(first.size(), 2u) << "cut at " << cut;
    EXPECT_EQ(first[1].body, all.substr(18)) << "cut at " << cut;
  }
}

TEST(Frame, FedOneByteAtATime) {
  const std::string all = two_frames();
  FrameDecoder d;
  std::vector<Frame> frames;
  for (char c : all) {
    d.feed(std::string_view(&c, 1));
    auto got = drain(d);
    frames.insert(frames.end(), got.begin(), got.end());
  }
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].header.stream, 1);
  EXPECT_EQ(frames[1].header.stream, 2);
}

TEST(Frame, IncompleteHeaderNeedsMoreBytes) {
  FrameDecoder d;
  d.feed(hex("04 00 00 01 07 0000"));
  auto f = d.next();
  ASSERT_TRUE(f.is_ok());
  EXPECT_FALSE(f->has_value());
  EXPECT_EQ(d.buffered_bytes(), 7u);
}

TEST(Frame, OversizeLengthIsRejectedBeforeTheBodyArrives) {
  FrameDecoderOptions o;
  o.max_body_length = 1000;
  FrameDecoder d(o);
  d.feed(hex("04 00 0007 07 000003E9"));  // 1001
  auto f = d.next();
  ASSERT_FALSE(f.is_ok());
  EXPECT_NE(f.status().message().find("over the limit"), std::string::npos);
  ASSERT_TRUE(d.rejection().has_value());
  EXPECT_EQ(d.rejection()->stream, 7);
  EXPECT_NE(d.rejection()->message.find("exceeds maximum allowed length 1000"), std::string::npos);
}

TEST(Frame, DefaultLimitIs256MiB) {
  FrameDecoder d;
  d.feed(hex("04 00 0000 07 10000001"));  // 256 MiB + 1
  EXPECT_FALSE(d.next().is_ok());
  FrameDecoder ok;
  ok.feed(hex("04 00 0000 07 10000000"));  // exactly 256 MiB: wait for it
  auto f = ok.next();
  ASSERT_TRUE(f.is_ok());
  EXPECT_FALSE(f->has_value());
}

TEST(Frame, NegativeLengthIsRejected) {
  FrameDecoder d;
  d.feed(hex("04 00 0003 07 FFFFFFFF"));
  auto f = d.next();
  ASSERT_FALSE(f.is_ok());
  EXPECT_NE(f.status().message().find("negative"), std::string::npos);
}

TEST(Frame, V5FrameGetsTheFallbackErrorOnItsStream) {
  FrameDecoder d;
  d.feed(hex("05 00 0009 05 00000000"));
  auto f = d.next();
  ASSERT_FALSE(f.is_ok());
  EXPECT_EQ(f.status().code(), util::StatusCode::kUnsupported);
  ASSERT_TRUE(d.rejection().has_value());
  EXPECT_EQ(d.rejection()->stream, 9);
  EXPECT_EQ(d.rejection()->message,
            "Invalid or unsupported protocol version (5); supported versions are (4/v4)");
  // What the python driver (connection.py) and node driver (connection.js)
  // look for.
  EXPECT_NE(d.rejection()->message.find("unsupported protocol version"), std::string::npos);
  EXPECT_NE(d.rejection()->message.find("Invalid or unsupported protocol version"),
            std::string::npos);
}

TEST(Frame, V5IsRejectedFromTheFirstFourBytes) {
  FrameDecoder d;
  d.feed(hex("05 00 0102"));
  auto f = d.next();
  ASSERT_FALSE(f.is_ok());
  EXPECT_EQ(d.rejection()->stream, 0x0102);
}

TEST(Frame, DseV2ProbeIsRejected) {
  FrameDecoder d;
  d.feed(hex("42 00 0000 05 00000000"));
  ASSERT_FALSE(d.next().is_ok());
  EXPECT_EQ(d.rejection()->message,
            "Invalid or unsupported protocol version (66); supported versions are (4/v4)");
}

TEST(Frame, V3IsRejectedUnlessEnabled) {
  FrameDecoder d;
  d.feed(hex("03 00 0004 01 00000000"));
  ASSERT_FALSE(d.next().is_ok());
  EXPECT_EQ(d.rejection()->stream, 4);
  EXPECT_EQ(d.rejection()->message,
            "Invalid or unsupported protocol version (3); supported versions are (4/v4)");
}

TEST(Frame, V3IsAcceptedWhenEnabled) {
  FrameDecoderOptions o;
  o.accept_v3 = true;
  FrameDecoder d(o);
  d.feed(hex("03 00 0004 05 00000000"));
  auto f = d.next();
  ASSERT_TRUE(f.is_ok()) << f.status().message();
  ASSERT_TRUE(f->has_value());
  EXPECT_EQ((*f)->header.version, 3);
  FrameDecoder v5(o);
  v5.feed(hex("05 00 0000 05 00000000"));
  ASSERT_FALSE(v5.next().is_ok());
  EXPECT_EQ(v5.rejection()->message,
            "Invalid or unsupported protocol version (5); supported versions are (3/v3, 4/v4)");
}

TEST(Frame, V2FrameStreamIsOneSignedByte) {
  FrameDecoder d;
  d.feed(hex("02 00 7F"));
  ASSERT_FALSE(d.next().is_ok());
  EXPECT_EQ(d.rejection()->stream, 127);
}

TEST(Frame, VersionChangeOnAConnectionIsRejected) {
  FrameDecoderOptions o;
  o.accept_v3 = true;
  FrameDecoder d(o);
  d.feed(hex("04 00 0000 05 00000000") + hex("03 00 0001 05 00000000"));
  auto first = d.next();
  ASSERT_TRUE(first.is_ok() && first->has_value());
  ASSERT_FALSE(d.next().is_ok());
  EXPECT_EQ(d.rejection()->stream, 1);
  EXPECT_NE(d.rejection()->message.find("Invalid message version"), std::string::npos);
}

TEST(Frame, ResponseFrameFromClientIsRejected) {
  FrameDecoder d;
  d.feed(hex("84 00 0002 02 00000000"));
  ASSERT_FALSE(d.next().is_ok());
  EXPECT_EQ(d.rejection()->stream, 2);
}

TEST(Frame, UnknownOpcodeIsRejected) {
  FrameDecoder d;
  d.feed(hex("04 00 0002 04 00000000"));
  auto f = d.next();
  ASSERT_FALSE(f.is_ok());
  EXPECT_NE(f.status().message().find("unknown opcode 0x04"), std::string::npos);
}

TEST(Frame, ResponseOpcodeFromClientIsRejected) {
  FrameDecoder d;
  d.feed(hex("04 00 0002 08 00000000"));
  auto f = d.next();
  ASSERT_FALSE(f.is_ok());
  EXPECT_NE(f.status().message().find("RESULT is not a request"), std::string::npos);
}

TEST(Frame, FailedDecoderStaysFailed) {
  FrameDecoder d;
  d.feed(hex("05 00 0000 05 00000000"));
  ASSERT_FALSE(d.next().is_ok());
  d.feed(hex("04 00 0000 05 00000000"));
  EXPECT_FALSE(d.next().is_ok());
  EXPECT_TRUE(d.failed());
}

TEST(Frame, ResponseDecoderReadsResponses) {
  FrameDecoderOptions o;
  o.decode_responses = true;
  FrameDecoder d(o);
  d.feed(hex("84 00 0001 02 00000000"));
  auto f = d.next();
  ASSERT_TRUE(f.is_ok() && f->has_value());
  EXPECT_EQ((*f)->header.opcode, Opcode::kReady);
  EXPECT_TRUE((*f)->header.response);
}

TEST(Frame, RejectionFrameBytes) {
  const std::string frame = serialize_rejection(FrameRejection{9, "bad"});
  EXPECT_EQ(frame, hex("84 00 0009 00 00000009 0000000A 0003 626164"));
}

TEST(Frame, SerializeFrameWritesLength) {
  FrameHeader h;
  h.response = true;
  h.stream = 3;
  h.opcode = Opcode::kResult;
  auto f = serialize_frame(h, hex("00000001"));
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(*f, hex("84 00 0003 08 00000004 00000001"));
}

// -------------------------------------------------------- compression --

class CompressedFrame : public ::testing::TestWithParam<Compression> {};

TEST_P(CompressedFrame, RoundTripThroughDecoder) {
  std::string body = testing::lstr(std::string(5000, 'a') + "SELECT * FROM t") + hex("0001 00");
  FrameHeader h;
  h.stream = 12;
  h.opcode = Opcode::kQuery;
  auto wire = serialize_frame(h, body, GetParam());
  ASSERT_TRUE(wire.is_ok());
  EXPECT_EQ(static_cast<uint8_t>((*wire)[1]) & kFlagCompressed, kFlagCompressed);
  EXPECT_LT(wire->size(), body.size());
  FrameDecoder d;
  d.set_compression(GetParam());
  d.feed(*wire);
  auto f = d.next();
  ASSERT_TRUE(f.is_ok()) << f.status().message();
  ASSERT_TRUE(f->has_value());
  EXPECT_EQ((*f)->body, body);
  EXPECT_EQ((*f)->header.flags & kFlagCompressed, 0);
}

TEST_P(CompressedFrame, EmptyBodyRoundTrip) {
  std::string out;
  ASSERT_TRUE(compress_body(GetParam(), "", &out).is_ok());
  std::string back = "junk";
  ASSERT_TRUE(decompress_body(GetParam(), out, 100, &back).is_ok());
  EXPECT_EQ(back, "");
}

TEST_P(CompressedFrame, CorruptBodyIsRejected) {
  std::string out;
  ASSERT_TRUE(compress_body(GetParam(), std::string(300, 'q') + "xyz", &out).is_ok());
  std::string corrupt = out.substr(0, out.size() - 3);  // truncated block
  std::string back;
  util::Status s = decompress_body(GetParam(), corrupt, 1 << 20, &back);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.code(), util::StatusCode::kCorruption);
  EXPECT_NE(s.message().find(compression_name(GetParam())), std::string::npos);
  EXPECT_TRUE(back.empty());
}

TEST_P(CompressedFrame, CorruptFrameFailsDecoder) {
  FrameDecoder d;
  d.set_compression(GetParam());
  d.feed(hex("04 01 0005 07 00000006 00000050 FFFF"));
  auto f = d.next();
  ASSERT_FALSE(f.is_ok());
  EXPECT_EQ(d.rejection()->stream, 5);
  EXPECT_NE(d.rejection()->message.find("decompress"), std::string::npos);
}

TEST_P(CompressedFrame, DecompressedSizeLimit) {
  std::string out;
  ASSERT_TRUE(compress_body(GetParam(), std::string(10000, 'z'), &out).is_ok());
  std::string back;
  util::Status s = decompress_body(GetParam(), out, 9999, &back);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("exceeds the limit of 9999"), std::string::npos);
  ASSERT_TRUE(decompress_body(GetParam(), out, 10000, &back).is_ok());
  EXPECT_EQ(back.size(), 10000u);
}

INSTANTIATE_TEST_SUITE_P(Codecs, CompressedFrame,
                         ::testing::Values(Compression::kLz4, Compression::kSnappy),
                         [](const auto& info) {
                           return std::string(compression_name(info.param));
                         });

TEST(Compression, Lz4BodyStartsWithBigEndianLength) {
  std::string out;
  ASSERT_TRUE(compress_body(Compression::kLz4, std::string(258, 'a'), &out).is_ok());
  EXPECT_EQ(out.substr(0, 4), hex("00000102"));
}

TEST(Compression, Lz4LengthBeyondPossibleExpansionIsRefused) {
  std::string back;
  util::Status s = decompress_body(Compression::kLz4, hex("0FFFFFFF 00"), size_t{1} << 30, &back);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("can expand to"), std::string::npos);
}

TEST(Compression, Lz4MissingLengthPrefix) {
  std::string back;
  EXPECT_FALSE(decompress_body(Compression::kLz4, hex("0000"), 100, &back).is_ok());
}

TEST(Compression, Lz4WrongDeclaredLength) {
  std::string out;
  ASSERT_TRUE(compress_body(Compression::kLz4, "hello hello hello", &out).is_ok());
  out[3] = static_cast<char>(out[3] + 1);
  std::string back;
  EXPECT_FALSE(decompress_body(Compression::kLz4, out, 100, &back).is_ok());
}

TEST(Compression, SnappyUnreadablePreamble) {
  std::string back;
  EXPECT_FALSE(decompress_body(Compression::kSnappy, hex("FFFFFFFFFF"), 100, &back).is_ok());
}

TEST(Compression, CompressedFlagWithoutNegotiationIsRejected) {
  FrameDecoder d;
  d.feed(hex("04 01 0002 07 00000001 00"));
  auto f = d.next();
  ASSERT_FALSE(f.is_ok());
  EXPECT_NE(f.status().message().find("no compression was agreed"), std::string::npos);
}

TEST(Compression, NamesFromStartup) {
  EXPECT_EQ(compression_from_name("lz4"), Compression::kLz4);
  EXPECT_EQ(compression_from_name("Snappy"), Compression::kSnappy);
  EXPECT_FALSE(compression_from_name("zstd").has_value());
}

}  // namespace
}  // namespace medallion::cql
