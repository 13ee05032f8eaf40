// Unit tests of the student-facing codec in include/raftlab/codec.hpp
// (Encoder/Decoder): exact wire format, round trips at the edges, and
// malformed input reported through failed(), never undefined behaviour.
#include <raftlab/codec.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace raftlab {
namespace {

TEST(Codec, FixedWidthIntegersAreLittleEndian) {
  Encoder e;
  e.PutU32(0x01020304);
  e.PutI64(-2);
  const Bytes want = {4, 3, 2, 1, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(e.bytes(), want);
  Decoder d(e.bytes());
  EXPECT_EQ(d.GetU32(), 0x01020304u);
  EXPECT_EQ(d.GetI64(), -2);
  EXPECT_TRUE(d.Finish());
}

TEST(Codec, VarintEdgeValuesRoundTrip) {
  const uint64_t values[] = {0, 1, 127, 128, 16383, 16384, uint64_t{1} << 35,
                             std::numeric_limits<uint64_t>::max()};
  Encoder e;
  for (uint64_t v : values) e.PutVarint(v);
  Decoder d(e.bytes());
  for (uint64_t v : values) EXPECT_EQ(d.GetVarint(), v);
  EXPECT_TRUE(d.Finish());
  Encoder one;
  one.PutVarint(127);
  EXPECT_EQ(one.size(), 1u);
  Encoder max;
  max.PutVarint(std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(max.size(), 10u);
}

TEST(Codec, SignedVarintKeepsSmallNegativesSmall) {
  const int64_t values[] = {0, -1, 1, -64, 63, std::numeric_limits<int64_t>::min(),
                            std::numeric_limits<int64_t>::max()};
  Encoder e;
  for (int64_t v : values) e.PutSignedVarint(v);
  Decoder d(e.bytes());
  for (int64_t v : values) EXPECT_EQ(d.GetSignedVarint(), v);
  EXPECT_TRUE(d.Finish());
  Encoder small;
  small.PutSignedVarint(-1);
  EXPECT_EQ(small.size(), 1u);
}

TEST(Codec, BytesStringsAndBoolsRoundTrip) {
  Encoder e;
  e.PutBytes(Bytes{});
  e.PutString("raft");
  e.PutBool(true);
  e.PutBool(false);
  e.PutBytes(Bytes{0, 0xff});
  Decoder d(e.bytes());
  EXPECT_TRUE(d.GetBytes().empty());
  EXPECT_EQ(d.GetString(), "raft");
  EXPECT_TRUE(d.GetBool());
  EXPECT_FALSE(d.GetBool());
  EXPECT_EQ(d.GetBytes(), (Bytes{0, 0xff}));
  EXPECT_TRUE(d.Finish());
}

TEST(Codec, ReadingPastTheEndFailsAndStaysFailed) {
  const Bytes in = {1, 2};
  Decoder d(in);
  EXPECT_EQ(d.GetU32(), 0u);
  EXPECT_TRUE(d.failed());
  EXPECT_EQ(d.GetU8(), 0);  // even a read that would fit returns zero now
  EXPECT_FALSE(d.Finish());
}

TEST(Codec, TruncatedVarintFails) {
  const Bytes in = {0x80, 0x80};
  Decoder d(in);
  EXPECT_EQ(d.GetVarint(), 0u);
  EXPECT_TRUE(d.failed());
}

TEST(Codec, OverlongVarintFails) {
  Bytes eleven(10, 0x80);
  eleven.push_back(0x01);
  Decoder d(eleven);
  d.GetVarint();
  EXPECT_TRUE(d.failed());
  // Ten bytes whose last carries more than the 64th bit overflow.
  Bytes overflow(9, 0xff);
  overflow.push_back(0x02);
  Decoder d2(overflow);
  d2.GetVarint();
  EXPECT_TRUE(d2.failed());
}

TEST(Codec, LengthLargerThanTheInputFails) {
  Encoder e;
  e.PutVarint(1000);
  e.PutU8('x');
  Decoder d(e.bytes());
  EXPECT_TRUE(d.GetBytes().empty());
  EXPECT_TRUE(d.failed());
}

TEST(Codec, BoolOtherThanZeroOrOneFails) {
  const Bytes in = {2};
  Decoder d(in);
  EXPECT_FALSE(d.GetBool());
  EXPECT_TRUE(d.failed());
}

TEST(Codec, CountThatCannotFitFails) {
  Encoder e;
  e.PutVarint(1u << 30);
  e.PutU8(0);
  Decoder d(e.bytes());
  EXPECT_EQ(d.GetCount(1), 0u);
  EXPECT_TRUE(d.failed());
  Encoder ok;
  ok.PutVarint(2);
  ok.PutU8(0);
  ok.PutU8(0);
  Decoder d2(ok.bytes());
  EXPECT_EQ(d2.GetCount(1), 2u);
  EXPECT_FALSE(d2.failed());
}

TEST(Codec, FinishRejectsTrailingBytes) {
  Encoder e;
  e.PutU8(1);
  e.PutU8(2);
  Decoder d(e.bytes());
  d.GetU8();
  EXPECT_FALSE(d.failed());
  EXPECT_FALSE(d.Finish());
  EXPECT_EQ(d.remaining(), 1u);
  EXPECT_EQ(d.GetRest().size(), 1u);
  EXPECT_TRUE(d.Finish());
}

TEST(Codec, EmptyByteViewIsSafe) {
  ByteView v(nullptr, 0);
  EXPECT_TRUE(v.empty());
  EXPECT_TRUE(v.ToBytes().empty());
  Decoder d(v);
  EXPECT_TRUE(d.Finish());
  d.GetU8();
  EXPECT_TRUE(d.failed());
}

}  // namespace
}  // namespace raftlab
