// Tests of harness/linearizability/kv_model: the versioned-register model,
// case by case against the MIT 6.5840 2025 server semantics.
#include "harness/linearizability/kv_model.h"

#include <gtest/gtest.h>

namespace raftlab::lin {
namespace {

using S = StringState;

RegisterOp<std::string> Get(std::string v, uint64_t ver, KvErr e) {
  return ToRegisterOp(Operation::Get(0, "k", std::move(v), ver, e, 0, 1));
}
RegisterOp<std::string> Put(std::string v, uint64_t ver, KvErr e) {
  return ToRegisterOp(Operation::Put(0, "k", std::move(v), ver, e, 0, 1));
}

TEST(KvModelTest, GetMatchesValueAndVersion) {
  S next[kMaxSuccessors];
  const S s{"x", 3};
  ASSERT_EQ(StepRegister(s, Get("x", 3, KvErr::kOk), next), 1);
  EXPECT_EQ(next[0], s);
  EXPECT_EQ(StepRegister(s, Get("y", 3, KvErr::kOk), next), 0);
  EXPECT_EQ(StepRegister(s, Get("x", 2, KvErr::kOk), next), 0);
  EXPECT_EQ(StepRegister(s, Get("", 0, KvErr::kErrNoKey), next), 0);
}

TEST(KvModelTest, GetOnMissingKey) {
  S next[kMaxSuccessors];
  EXPECT_EQ(StepRegister(S{}, Get("", 0, KvErr::kErrNoKey), next), 1);
  EXPECT_EQ(StepRegister(S{}, Get("", 0, KvErr::kOk), next), 0);  // OK needs version > 0
  EXPECT_EQ(StepRegister(S{}, Get("", 0, KvErr::kErrVersion), next), 0);
  EXPECT_EQ(StepRegister(S{}, Get("", 0, KvErr::kErrMaybe), next), 0);
}

TEST(KvModelTest, PutOk) {
  S next[kMaxSuccessors];
  ASSERT_EQ(StepRegister(S{}, Put("a", 0, KvErr::kOk), next), 1);
  EXPECT_EQ(next[0], (S{"a", 1}));
  ASSERT_EQ(StepRegister(S{"a", 1}, Put("b", 1, KvErr::kOk), next), 1);
  EXPECT_EQ(next[0], (S{"b", 2}));
  EXPECT_EQ(StepRegister(S{"a", 1}, Put("b", 0, KvErr::kOk), next), 0);
}

TEST(KvModelTest, PutErrVersionAndErrNoKey) {
  S next[kMaxSuccessors];
  ASSERT_EQ(StepRegister(S{"a", 2}, Put("b", 1, KvErr::kErrVersion), next), 1);
  EXPECT_EQ(next[0], (S{"a", 2}));
  EXPECT_EQ(StepRegister(S{"a", 2}, Put("b", 2, KvErr::kErrVersion), next), 0);
  EXPECT_EQ(StepRegister(S{}, Put("b", 0, KvErr::kErrVersion), next), 0);
  EXPECT_EQ(StepRegister(S{}, Put("b", 4, KvErr::kErrVersion), next), 0);
  ASSERT_EQ(StepRegister(S{}, Put("b", 4, KvErr::kErrNoKey), next), 1);
  EXPECT_EQ(next[0], S{});
  EXPECT_EQ(StepRegister(S{}, Put("b", 0, KvErr::kErrNoKey), next), 0);
  EXPECT_EQ(StepRegister(S{"a", 1}, Put("b", 4, KvErr::kErrNoKey), next), 0);
}

TEST(KvModelTest, PutErrMaybeIsLegalEitherWay) {
  S next[kMaxSuccessors];
  ASSERT_EQ(StepRegister(S{"a", 1}, Put("b", 1, KvErr::kErrMaybe), next), 2);
  EXPECT_EQ(next[0], (S{"b", 2}));  // applied
  EXPECT_EQ(next[1], (S{"a", 1}));  // not applied
  ASSERT_EQ(StepRegister(S{"a", 1}, Put("b", 5, KvErr::kErrMaybe), next), 1);
  EXPECT_EQ(next[0], (S{"a", 1}));
  const Operation maybe = Operation::Put(0, "k", "b", 1, KvErr::kErrMaybe, 0, 1);
  EXPECT_EQ(VariantLabel(maybe, 0, 2), "applied");
  EXPECT_EQ(VariantLabel(maybe, 1, 2), "not applied");
  EXPECT_EQ(VariantLabel(maybe, 0, 1), "not applied");
}

TEST(KvModelTest, InternedValuesBehaveLikeStrings) {
  RegisterState<uint32_t> next[kMaxSuccessors];
  RegisterOp<uint32_t> put{OpKind::kPut, 7, 0, 0, 0, KvErr::kOk};
  ASSERT_EQ(StepRegister(RegisterState<uint32_t>{}, put, next), 1);
  EXPECT_EQ(next[0].value, 7u);
  EXPECT_EQ(next[0].version, 1u);
}

TEST(KvModelTest, DescribeState) {
  EXPECT_EQ(DescribeState(S{}), "(no key)");
  EXPECT_EQ(DescribeState(S{"v", 2}), "(\"v\", 2)");
}

}  // namespace
}  // namespace raftlab::lin
