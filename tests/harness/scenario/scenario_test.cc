// Tests of Params and ScenarioRegistry (harness/scenario/scenario.cc).
#include "harness/scenario/scenario.h"

#include <gtest/gtest.h>

namespace raftlab {
namespace {

void Body(TestContext&) {}

RAFTLAB_REGISTER_SCENARIO({"scenario_test_registered", "registered by the macro", {}, &Body});

TEST(ParamsTest, TypedAccessors) {
  Params p({{"n", int64_t{5}}, {"x", 2.5}, {"b", true}, {"s", std::string("hi")}});
  EXPECT_EQ(p.Int("n"), 5);
  EXPECT_DOUBLE_EQ(p.Double("x"), 2.5);
  EXPECT_DOUBLE_EQ(p.Double("n"), 5.0);  // an integer is also a number
  EXPECT_TRUE(p.Bool("b"));
  EXPECT_EQ(p.String("s"), "hi");
  EXPECT_TRUE(p.Has("n"));
  EXPECT_FALSE(p.Has("missing"));
  EXPECT_EQ(p.values().size(), 4u);
}

TEST(ParamsTest, AbsentOrMistypedThrowsLogicError) {
  Params p({{"n", int64_t{5}}, {"x", 2.5}});
  EXPECT_THROW(p.Int("missing"), std::logic_error);
  EXPECT_THROW(p.Int("x"), std::logic_error);  // a double is not an integer
  EXPECT_THROW(p.Bool("n"), std::logic_error);
  EXPECT_THROW(p.String("n"), std::logic_error);
  try {
    p.Int("missing");
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "scenario parameter 'missing' is not set (declare it in the scenario's ParamSpec list)");
  }
}

TEST(ScenarioRegistryTest, FindAndAllSorted) {
  ScenarioRegistry r;
  r.Register({"b", "second", {}, &Body});
  r.Register({"a", "first", {{"servers", ParamType::kInt, int64_t{3}, "peers"}}, &Body});
  ASSERT_NE(r.Find("a"), nullptr);
  EXPECT_EQ(r.Find("a")->help, "first");
  EXPECT_EQ(r.Find("a")->params.size(), 1u);
  EXPECT_EQ(r.Find("c"), nullptr);
  auto all = r.All();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]->name, "a");
  EXPECT_EQ(all[1]->name, "b");
}

TEST(ScenarioRegistryTest, MacroRegistersInTheGlobalRegistry) {
  const ScenarioInfo* s = ScenarioRegistry::Global().Find("scenario_test_registered");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->help, "registered by the macro");
}

TEST(ScenarioRegistryDeathTest, DuplicateNameAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ScenarioRegistry r;
  r.Register({"dup", "", {}, &Body});
  EXPECT_DEATH(r.Register({"dup", "", {}, &Body}), "scenario 'dup' registered twice");
}

}  // namespace
}  // namespace raftlab
