// Tests of harness/linearizability/history.cc: builders and descriptions.
#include "harness/linearizability/history.h"

#include <gtest/gtest.h>

namespace raftlab::lin {
namespace {

TEST(HistoryTest, BuildersFillTheRightFields) {
  Operation g = Operation::Get(3, "k", "v", 2, KvErr::kOk, 10, 20);
  EXPECT_EQ(g.kind, OpKind::kGet);
  EXPECT_EQ(g.client, 3);
  EXPECT_EQ(g.out_value, "v");
  EXPECT_EQ(g.out_version, 2u);
  EXPECT_TRUE(g.in_value.empty());
  Operation p = Operation::Put(1, "k", "w", 4, KvErr::kErrMaybe, 30, 40);
  EXPECT_EQ(p.kind, OpKind::kPut);
  EXPECT_EQ(p.in_value, "w");
  EXPECT_EQ(p.in_version, 4u);
  EXPECT_EQ(p.err, KvErr::kErrMaybe);
  EXPECT_EQ(p.call_ns, 30);
  EXPECT_EQ(p.return_ns, 40);
}

TEST(HistoryTest, DescribeOperation) {
  EXPECT_EQ(DescribeOperation(Operation::Get(0, "k", "v", 3, KvErr::kOk, 0, 1)),
            "get(\"k\") -> (\"v\", 3, OK)");
  EXPECT_EQ(DescribeOperation(Operation::Get(0, "k", "", 0, KvErr::kErrNoKey, 0, 1)),
            "get(\"k\") -> ErrNoKey");
  EXPECT_EQ(DescribeOperation(Operation::Put(0, "k", "v", 2, KvErr::kErrVersion, 0, 1)),
            "put(\"k\", \"v\", 2) -> ErrVersion");
}

TEST(HistoryTest, QuoteValueEscapesAndShortens) {
  EXPECT_EQ(QuoteValue("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(QuoteValue(std::string("\x01z", 2)), "\"\\x01z\"");
  const std::string longv(100, 'x');
  EXPECT_EQ(QuoteValue(longv), "\"" + std::string(40, 'x') + "\"...(100 bytes)");
}

TEST(HistoryTest, Names) {
  EXPECT_EQ(OpKindName(OpKind::kPut), "put");
  EXPECT_EQ(KvErrName(KvErr::kErrNoKey), "ErrNoKey");
  EXPECT_EQ(KvErrName(KvErr::kErrMaybe), "ErrMaybe");
}

}  // namespace
}  // namespace raftlab::lin
