// Tests of the labtest command line (harness/labtest/cli.cc).
#include "harness/labtest/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace raftlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

StatusOr<Options> Parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv = {"labtest"};
  argv.insert(argv.end(), args.begin(), args.end());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data());
}

std::string ErrorOf(std::initializer_list<const char*> args) {
  auto o = Parse(args);
  EXPECT_FALSE(o.ok());
  if (o.ok()) return "";
  EXPECT_EQ(o.status().code(), Status::Code::kInvalidArgument);
  return o.status().message();
}

TEST(CliTest, Defaults) {
  auto o = Parse({});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->mode, Options::Mode::kRun);
  EXPECT_EQ(o->config_path, "");
  EXPECT_EQ(o->plugin_path, "");
  EXPECT_TRUE(o->parts.empty());
  EXPECT_EQ(o->repeat, 1);
  EXPECT_EQ(o->first_repetition, 0);
  EXPECT_FALSE(o->seed.has_value());
  EXPECT_EQ(o->timeout_scale, 1);
  EXPECT_FALSE(o->verbose);
  EXPECT_EQ(o->output_dir, "labtest-out");
  EXPECT_EQ(o->memory_limit_mb, 4096);
}

TEST(CliTest, EveryFlag) {
  auto o = Parse({"-f", "c.yml", "--plugin", "lib.so", "--part", "1,2", "--part", "4", "--filter", "^3A-",
                  "--repeat", "5", "--seed", "0x10", "--repetition", "2", "--timeout-scale", "2.5", "-v",
                  "--record-baseline", "b.json", "--output-dir", "out", "--keep-output", "--memory-limit-mb", "512"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->config_path, "c.yml");
  EXPECT_EQ(o->plugin_path, "lib.so");
  EXPECT_THAT(o->parts, ElementsAre(1, 2, 4));
  EXPECT_EQ(o->filter, "^3A-");
  EXPECT_EQ(o->repeat, 5);
  EXPECT_EQ(o->seed, 16u);
  EXPECT_EQ(o->first_repetition, 2);
  EXPECT_DOUBLE_EQ(o->timeout_scale, 2.5);
  EXPECT_TRUE(o->verbose);
  EXPECT_EQ(o->record_baseline, "b.json");
  EXPECT_EQ(o->output_dir, "out");
  EXPECT_TRUE(o->keep_passed_output);
  EXPECT_EQ(o->memory_limit_mb, 512);
}

TEST(CliTest, LongFormsAndModes) {
  auto o = Parse({"--config=c.yml", "--list", "--verbose"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->mode, Options::Mode::kList);
  EXPECT_EQ(o->config_path, "c.yml");
  EXPECT_TRUE(o->verbose);
  EXPECT_FALSE(Parse({"--help", "--bogus"}).ok());  // unknown flags are errors even next to --help
  auto h = Parse({"-h"});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->mode, Options::Mode::kHelp);
}

TEST(CliTest, ListSteps) {
  auto o = Parse({"--list-steps"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->mode, Options::Mode::kListSteps);
  auto both = Parse({"--list", "--list-steps"});
  ASSERT_FALSE(both.ok());
  EXPECT_THAT(both.status().message(), HasSubstr("--list-steps goes alone"));
  EXPECT_THAT(UsageText(), HasSubstr("--list-steps"));
}

TEST(CliTest, LargestSeed) {
  auto o = Parse({"--seed", "18446744073709551615"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(*o->seed, 18446744073709551615ull);
}

TEST(CliTest, BadFlagsAreUsageErrors) {
  EXPECT_THAT(ErrorOf({"--bogus"}), HasSubstr("unrecognised option '--bogus' (labtest --help lists the flags)"));
  EXPECT_THAT(ErrorOf({"--repeat", "0"}), HasSubstr("--repeat must be at least 1, got 0"));
  EXPECT_THAT(ErrorOf({"--repeat", "many"}), HasSubstr("'many'"));
  EXPECT_THAT(ErrorOf({"--repeat"}), HasSubstr("repeat"));
  EXPECT_THAT(ErrorOf({"--seed", "-1"}), HasSubstr("--seed must be a non-negative integer, got '-1'"));
  EXPECT_THAT(ErrorOf({"--seed", "12x"}), HasSubstr("--seed must be an integer below 2^64, got '12x'"));
  EXPECT_THAT(ErrorOf({"--seed", "18446744073709551616"}), HasSubstr("below 2^64"));
  EXPECT_THAT(ErrorOf({"--part", "0"}), HasSubstr("--part takes part numbers like 1 or 1,2; got '0'"));
  EXPECT_THAT(ErrorOf({"--part", "1,,2"}), HasSubstr("--part takes part numbers"));
  EXPECT_THAT(ErrorOf({"--timeout-scale", "0"}), HasSubstr("--timeout-scale must be a positive number"));
  EXPECT_THAT(ErrorOf({"--timeout-scale", "-2"}), HasSubstr("--timeout-scale must be a positive number"));
  EXPECT_THAT(ErrorOf({"--repetition", "-1"}), HasSubstr("--repetition must be 0 or more"));
  EXPECT_THAT(ErrorOf({"--memory-limit-mb", "10"}), HasSubstr("at least 64"));
  EXPECT_THAT(ErrorOf({"--plugin", ""}), HasSubstr("--plugin needs the path"));
  EXPECT_THAT(ErrorOf({"3A-initial-election"}),
              HasSubstr("unexpected argument '3A-initial-election' (choose tests with --filter REGEX;"));
}

TEST(CliTest, RepetitionAndParallelFlags) {
  auto o = Parse({});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->jobs, 0);  // 0: DefaultJobs()
  EXPECT_FALSE(o->until_fail);
  EXPECT_FALSE(o->fail_fast);
  EXPECT_EQ(o->color, ColorMode::kAuto);
  EXPECT_TRUE(o->outputs.empty());
  EXPECT_THAT(o->command_line, ElementsAre("labtest"));

  o = Parse({"-j", "3", "--until-fail", "--repeat", "50", "-x", "--color=never", "--output", "json:a.json",
             "--output=junit:b.xml"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->jobs, 3);
  EXPECT_TRUE(o->until_fail);
  EXPECT_EQ(o->repeat, 50);  // the cap
  EXPECT_TRUE(o->fail_fast);
  EXPECT_EQ(o->color, ColorMode::kNever);
  EXPECT_THAT(o->outputs, ElementsAre("json:a.json", "junit:b.xml"));
  EXPECT_EQ(o->command_line.size(), 11u);

  // --until-fail without --repeat: without end (like --gtest_repeat=-1).
  o = Parse({"--until-fail", "--jobs=2", "--color", "always", "--fail-fast"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->repeat, 0);
  EXPECT_EQ(o->jobs, 2);
  EXPECT_EQ(o->color, ColorMode::kAlways);
  EXPECT_TRUE(o->fail_fast);
  // --repeat alone is unchanged.
  o = Parse({"--repeat", "4"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->repeat, 4);
  EXPECT_FALSE(o->until_fail);
}

TEST(CliTest, BadParallelFlags) {
  EXPECT_THAT(ErrorOf({"-j", "0"}), HasSubstr("--jobs must be between 1 and 256, got 0"));
  EXPECT_THAT(ErrorOf({"--jobs", "1000"}), HasSubstr("--jobs must be between 1 and 256"));
  EXPECT_THAT(ErrorOf({"--color", "sometimes"}), HasSubstr("--color takes auto, always or never; got 'sometimes'"));
  EXPECT_THAT(ErrorOf({"--color"}), HasSubstr("color"));
  EXPECT_THAT(ErrorOf({"--until-fail", "--repeat", "0"}), HasSubstr("--repeat must be at least 1"));
  EXPECT_THAT(ErrorOf({"--child", "--test", "t", "--seed", "1", "--plugin", "p", "-f", "c", "--result-file", "r",
                       "--log-file", "l", "-j", "2"}),
              HasSubstr("do not go with --child"));
}

TEST(CliTest, InternalFlagsOnlyWithChild) {
  EXPECT_THAT(ErrorOf({"--test", "x"}), HasSubstr("internal; use --filter"));
  EXPECT_THAT(ErrorOf({"--child", "--test", "x"}), HasSubstr("--child needs --test, --seed"));
  auto o = Parse({"--child", "--test", "t", "--seed", "7", "--repetition", "3", "--plugin", "p.so", "-f", "c.yml",
                  "--result-file", "r.json", "--log-file", "s.log", "--timeout-scale", "2", "-v"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->mode, Options::Mode::kChild);
  EXPECT_EQ(o->child_test, "t");
  EXPECT_EQ(*o->seed, 7u);
  EXPECT_EQ(o->first_repetition, 3);
  EXPECT_EQ(o->result_file, "r.json");
  EXPECT_EQ(o->log_file, "s.log");
  EXPECT_THAT(ErrorOf({"--child", "--list"}), HasSubstr("do not go together"));
}

TEST(CliTest, UsageMentionsFlagsAndExitCodes) {
  std::string u = UsageText();
  for (const char* flag : {"--config", "--plugin", "--part", "--filter", "--list", "--repeat", "--seed",
                           "--timeout-scale", "--verbose", "--help", "--until-fail", "--fail-fast", "--jobs",
                           "--color", "--output", "--keep-output", "NO_COLOR"}) {
    EXPECT_THAT(u, HasSubstr(flag));
  }
  EXPECT_THAT(u, HasSubstr("0 all passed, 1 a test failed, 2 usage or configuration error"));
  EXPECT_THAT(u, HasSubstr("130/143 stopped by SIGINT (Ctrl-C)/SIGTERM"));
  EXPECT_THAT(u, ::testing::Not(HasSubstr("--result-file")));  // internal flags stay hidden
}

TEST(CliTest, UnknownFlagsGetADidYouMean) {
  EXPECT_THAT(ErrorOf({"--filtr", "^3A-"}), HasSubstr("unrecognised option '--filtr' (did you mean '--filter'?"));
  EXPECT_THAT(ErrorOf({"--seeed=4"}), HasSubstr("unrecognised option '--seeed' (did you mean '--seed'?"));
  EXPECT_THAT(ErrorOf({"--keep-outputs"}), HasSubstr("did you mean '--keep-output'?"));
  // Nothing close: no guess, still the pointer to --help.
  const std::string far = ErrorOf({"--zzzzzzzzzz"});
  EXPECT_THAT(far, HasSubstr("unrecognised option '--zzzzzzzzzz'"));
  EXPECT_THAT(far, Not(HasSubstr("did you mean")));
  EXPECT_THAT(far, HasSubstr("labtest --help lists the flags"));
}

TEST(CliTest, Timeline) {
  auto o = Parse({});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->timeline, Options::Timeline::kFailures);
  o = Parse({"--timeline", "always"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->timeline, Options::Timeline::kAlways);
  o = Parse({"--timeline", "never"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->timeline, Options::Timeline::kNever);
  EXPECT_THAT(ErrorOf({"--timeline", "alwys"}), HasSubstr("--timeline takes failures, always or never; got 'alwys' "
                                                          "(did you mean 'always'?)"));
}

TEST(CliTest, SimAndItsDeterminismCheck) {
  auto o = Parse({"--sim", "--check-determinism", "--repeat", "200", "--until-fail"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_TRUE(o->sim);
  EXPECT_TRUE(o->check_determinism);
  EXPECT_FALSE(o->sim_trace);  // internal, set only for a child
  EXPECT_EQ(o->repeat, 200);
  auto plain = Parse({});
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->sim);  // real time is the default
  // The check compares simulated runs; real-time runs are never alike.
  EXPECT_NE(ErrorOf({"--check-determinism"}).find("add --sim"), std::string::npos);
  // ThreadSanitizer needs threads that really run at once.
  EXPECT_NE(ErrorOf({"--sim", "--race"}).find("--sim and --race do not mix"), std::string::npos);
}

}  // namespace
}  // namespace raftlab
