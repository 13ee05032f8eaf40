// Tests of OneTestView (harness/catalogue/one_test_view.cc): the test's own
// entry kept byte for byte on its own lines, the others blanked, and no view
// when the text is not plain block style.
#include "harness/catalogue/one_test_view.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace raftlab {
namespace {

const char* const kText =
    "version: 1\n"
    "parts:\n"
    "  - {part: 1, name: election, points: 2}\n"
    "tests:\n"
    "  # part 1\n"
    "  - name: alpha\n"
    "    part: 1\n"
    "    steps:\n"
    "      - cluster: {servers: 3}\n"
    "  - name: beta\n"
    "    part: 1\n"
    "    description: |\n"
    "      two lines\n"
    "      - not an item\n"
    "\n"
    "  - name: gamma\n"
    "    part: 1\n"
    "grading: {policy: pass-rate}\n";

TEST(OneTestViewTest, KeepsTheEntryOnItsLinesAndBlanksTheOthers) {
  const auto view = OneTestView(kText, "beta");
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(std::count(view->begin(), view->end(), '\n'), std::count(kText, kText + std::char_traits<char>::length(kText), '\n'));
  EXPECT_EQ(*view,
            "version: 1\n"
            "parts:\n"
            "  - {part: 1, name: election, points: 2}\n"
            "tests:\n"
            "  # part 1\n"
            "\n\n\n\n"
            "  - name: beta\n"
            "    part: 1\n"
            "    description: |\n"
            "      two lines\n"
            "      - not an item\n"
            "\n"
            "\n\n"
            "grading: {policy: pass-rate}\n");
}

TEST(OneTestViewTest, NoViewForANameNoEntryMentions) { EXPECT_FALSE(OneTestView(kText, "delta").has_value()); }

TEST(OneTestViewTest, NoViewUnlessPlainBlockStyle) {
  EXPECT_FALSE(OneTestView("version: 1\ntests: [{name: alpha}]\n", "alpha").has_value());
  EXPECT_FALSE(OneTestView("---\ntests:\n  - name: alpha\n", "alpha").has_value());
  EXPECT_FALSE(OneTestView("tests:\n\t- name: alpha\n", "alpha").has_value());
  EXPECT_FALSE(OneTestView("tests:\n  - name: alpha\n    description: |+\n      x\n  - name: b\n", "alpha")
                   .has_value());
  EXPECT_FALSE(OneTestView("parts: []\n", "alpha").has_value());
}

TEST(OneTestViewTest, ItemsAtColumnZero) {
  const auto view = OneTestView("tests:\n- name: a1\n  part: 1\n- name: b2\n  part: 1\nparts: []\n", "b2");
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(*view, "tests:\n\n\n- name: b2\n  part: 1\nparts: []\n");
}

}  // namespace
}  // namespace raftlab
