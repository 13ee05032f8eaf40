// End-to-end tests of the labtest command line (harness/labtest/labtest.cc,
// run_loop.cc): the test build labtest_testing is run as a real program on
// the runner catalogue; exit codes, console output, selection, the run going
// on after a crash, and (on data/parallel_tests.yml) --jobs, --until-fail,
// --fail-fast, the summary table, colour and the progress line on a
// terminal (a pseudo-terminal), and Ctrl-C.
//
// Timing: nothing asserts how fast a run was, except that an interrupted run
// ends well before the 90 s test it interrupted would have (30 s allowed).
// Parallelism is proven by a scenario that passes only when two of its runs
// are going at once (test_rendezvous), not by comparing durations.
#include "harness/labtest/labtest.h"

#include <gmock/gmock.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/run/child_process.h"
#include "runtime/real_runtime.h"

extern char** environ;

namespace raftlab {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

struct Outcome {
  int code = -1;
  std::string out, err;
};

class LabtestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("labtest_test_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  Outcome Labtest(std::vector<std::string> args, std::vector<std::pair<std::string, std::string>> env = {}) {
    ChildSpec spec;
    spec.exe = RAFTLAB_LABTEST_TESTING;
    spec.args = std::move(args);
    spec.args.push_back("--output-dir");
    spec.args.push_back((dir_ / "out").string());
    spec.set_env = std::move(env);
    spec.timeout = Millis(100000);
    auto o = RunChildProcess(*rt_, spec);
    EXPECT_TRUE(o.ok()) << o.status().message();
    if (!o.ok()) return {};
    EXPECT_FALSE(o->timed_out);
    return {o->exited ? o->exit_code : -o->term_signal, o->stdout_text, o->stderr_text};
  }

  // Runs labtest_testing with stdin, stdout and stderr on a pseudo-terminal
  // (120 columns); `env` is added to the environment. out holds everything
  // the terminal received.
  Outcome LabtestOnTerminal(std::vector<std::string> args, std::vector<std::string> env = {}) {
    args.insert(args.begin(), RAFTLAB_LABTEST_TESTING);
    args.push_back("--output-dir");
    args.push_back((dir_ / "out").string());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    std::vector<char*> envp;
    for (std::string& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    int master = -1, slave = -1;
    winsize ws{};
    ws.ws_col = 120;
    ws.ws_row = 40;
    if (::openpty(&master, &slave, nullptr, nullptr, &ws) != 0) {
      ADD_FAILURE() << "openpty failed";
      return {};
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::setsid();
      ::dup2(slave, 0);
      ::dup2(slave, 1);
      ::dup2(slave, 2);
      ::close(master);
      ::close(slave);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(slave);
    Outcome o;
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n > 0) {
        o.out.append(buf, static_cast<size_t>(n));
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        break;  // EIO once the last writer has closed the terminal
      }
    }
    ::close(master);
    int status = 0;
    ::waitpid(pid, &status, 0);
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return o;
  }

  // Starts labtest_testing without waiting for it; stdout and stderr go to
  // files in dir_.
  pid_t SpawnLabtest(std::vector<std::string> args) {
    args.insert(args.begin(), RAFTLAB_LABTEST_TESTING);
    args.push_back("--output-dir");
    args.push_back((dir_ / "out").string());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string out = (dir_ / "stdout.txt").string(), err = (dir_ / "stderr.txt").string();
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    EXPECT_EQ(rc, 0);
    return rc == 0 ? pid : -1;
  }

  static std::string Slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // The one run folder labtest made under dir_/out.
  fs::path RunFolder() {
    std::vector<fs::path> runs;
    for (const auto& e : fs::directory_iterator(dir_ / "out")) runs.push_back(e.path());
    EXPECT_EQ(runs.size(), 1u);
    return runs.empty() ? fs::path() : runs[0];
  }

  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
  fs::path dir_;
  const std::string yml_ = RAFTLAB_RUNNER_YAML;
  const std::string parallel_yml_ = RAFTLAB_PARALLEL_YAML;
  // Run by its absolute path, so the rerun lines start with it (RerunProgram).
  const std::string labtest_ = RAFTLAB_LABTEST_TESTING;
};

TEST_F(LabtestTest, HelpAndBadFlags) {
  Outcome r = Labtest({"--help"});
  EXPECT_EQ(r.code, kExitAllPassed);
  EXPECT_THAT(r.out, HasSubstr("Usage: labtest [options]"));
  r = Labtest({"--bogus"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("labtest: unrecognised option '--bogus'"));
  r = Labtest({"--filtr", "x"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("unrecognised option '--filtr' (did you mean '--filter'?"));
  r = Labtest({"--repeat", "0"});
  EXPECT_EQ(r.code, kExitUsage);
}

TEST_F(LabtestTest, ListGroupsByPartWithPoints) {
  Outcome r = Labtest({"-f", yml_, "--list"});
  EXPECT_EQ(r.code, kExitAllPassed) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Part 1: plain outcomes (4 points)\n"));
  EXPECT_THAT(r.out, HasSubstr("Part 2: plugin behaviour (2.5 points)\n"));
  // After the timeout: the kind (C++ or steps), then what the test checks ("-": not said).
  EXPECT_THAT(r.out, ::testing::ContainsRegex("  pass +1 pts +20 s  C\\+\\+ +- +pass\n"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("  fail +1 pts +20 s  C\\+\\+ +safety +fail\n"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("  make-start +1 pts +1 s  C\\+\\+ +- +make and start\n"));
  EXPECT_THAT(r.out, HasSubstr("checks: safety: it sets a trap for a rule of the Raft paper"));
  EXPECT_THAT(r.out, HasSubstr("8 tests, 6.5 points"));
  EXPECT_THAT(r.out, Not(HasSubstr("scenario test_pass")));
  r = Labtest({"-f", yml_, "--list", "-v", "--part", "1"});
  EXPECT_EQ(r.code, kExitAllPassed);
  EXPECT_THAT(r.out, HasSubstr("      scenario test_pass: peers=5\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("Part 2")));
  EXPECT_THAT(r.out, HasSubstr("  test_sleep: sleeps\n      ms (default 10): how long\n"));
}

TEST_F(LabtestTest, SelectionErrorsAreUsageErrors) {
  Outcome r = Labtest({"-f", yml_, "--filter", "no-such-test"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("no test matches --filter 'no-such-test'; `labtest --list` shows the tests"));
  r = Labtest({"-f", yml_, "--filter", "pas"});  // matches 'pass' (a search, not a full match)
  EXPECT_EQ(r.code, kExitAllPassed) << r.err;
  r = Labtest({"-f", yml_, "--filter", "^flod$"});
  EXPECT_EQ(r.code, kExitUsage);
  r = Labtest({"-f", yml_, "--filter", "(unclosed"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("is not a valid regular expression"));
  r = Labtest({"-f", yml_, "--part", "9"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("has no part 9 (parts: 1, 2)"));
}

TEST_F(LabtestTest, ConfigErrorsAreUsageErrorsWithPosition) {
  Outcome r = Labtest({"-f", (dir_ / "missing.yml").string()});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("cannot open the test catalogue"));
  const std::string bad = (dir_ / "bad.yml").string();
  std::ofstream(bad) << "version: 1\nparts:\n  - {part: 1, name: x, points: 1}\ntests:\n"
                        "  - {name: t, part: 1, points: 1, scenario: test_pass, timout: 3}\n";
  r = Labtest({"-f", bad, "--list"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr(bad + ":5:56: unknown key 'timout' in test 't' (did you mean 'timeout'?)"));
}

TEST_F(LabtestTest, PluginErrorsExitWithThreeBeforeAnyTest) {
  Outcome r = Labtest({"-f", yml_, "--plugin", RAFTLAB_BROKEN_PLUGIN});
  EXPECT_EQ(r.code, kExitPluginLoad);
  EXPECT_THAT(r.out, Not(HasSubstr("Test (")));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;  // one line
  r = Labtest({"-f", yml_, "--plugin", (dir_ / "nope.so").string()});
  EXPECT_EQ(r.code, kExitPluginLoad);
}

TEST_F(LabtestTest, PassingRunWithTheBundledPlugin) {
  Outcome r = Labtest({"-f", yml_, "--filter", "^(pass|skip)$", "--seed", "5"});
  EXPECT_EQ(r.code, kExitAllPassed) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("labtest: using the bundled reference implementation (no --plugin given)\n"));
  EXPECT_THAT(r.out, HasSubstr("labtest: seed 5\n"));
  EXPECT_THAT(r.out, HasSubstr("Test (pass): pass ...\n  ... Passed -- "));
  EXPECT_THAT(r.out, HasSubstr("5 peers     42 RPCs      4242 bytes     7 cmds"));
  EXPECT_THAT(r.out, HasSubstr("Test (skip): skip ...\n  ... Skipped -- not implemented\n"));
  EXPECT_THAT(r.out, HasSubstr("Summary (seed 5): 2 runs, 1 passed, 0 failed, 1 skipped"));
  EXPECT_THAT(r.out, HasSubstr("PASSED\n"));
}

TEST_F(LabtestTest, RandomSeedIsPrintedAndReplayable) {
  Outcome r = Labtest({"-f", yml_, "--filter", "^fail$"});
  EXPECT_EQ(r.code, kExitTestFailed);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("labtest: seed ([0-9]+) \\(random; --seed \\1 replays")));
  const std::string seed = m[1];
  std::smatch run_seed;
  ASSERT_TRUE(std::regex_search(r.out, run_seed, std::regex("seed: " + seed + " \\(repetition 0, run seed ([0-9]+)\\)")));
  // The printed command reruns exactly this test with this seed.
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("rerun: " + std::string(RAFTLAB_LABTEST_TESTING) + " -f (\\S+) --filter '\\^fail\\$' --seed " + seed)));
  Outcome again = Labtest({"-f", m[1], "--filter", "^fail$", "--seed", seed});
  EXPECT_EQ(again.code, kExitTestFailed);
  EXPECT_THAT(again.out, HasSubstr("run seed " + std::string(run_seed[1]) + ")"));
}

TEST_F(LabtestTest, FailureOutput) {
  Outcome r = Labtest({"-f", yml_, "--filter", "^fail$", "--seed", "5"});
  EXPECT_EQ(r.code, kExitTestFailed);
  EXPECT_THAT(r.out, HasSubstr("Test (fail): fail ...\n  ... FAILED -- after "));
  EXPECT_THAT(r.out, HasSubstr("      this test checks safety: it sets a trap for a rule of the Raft paper"));
  EXPECT_THAT(r.out, HasSubstr("      expected one leader, got none\n"));
  EXPECT_THAT(r.out, HasSubstr("      seed: 5 (repetition 0, run seed "));
  EXPECT_THAT(r.out, HasSubstr("S0 T1 INFO  a line the student logged"));
  EXPECT_THAT(r.out, HasSubstr("      rerun: " + labtest_ + " -f " + yml_ + " --filter '^fail$' --seed 5\n"));
  EXPECT_THAT(r.out, HasSubstr("FAILED: fail [safety] (each failure above"));
}

TEST_F(LabtestTest, CrashIsReportedAndTheRunGoesOn) {
  Outcome r = Labtest({"-f", yml_, "--plugin", RAFTLAB_HOSTILE_CRASH, "--filter", "^(make-start|pass)$", "--seed", "1"});
  EXPECT_EQ(r.code, kExitTestFailed);
  EXPECT_THAT(r.out, HasSubstr("Test (pass): pass ...\n  ... Passed"));
  EXPECT_THAT(r.out, HasSubstr("Test (make-start): make and start ...\n  ... FAILED (crash) -- after "));
  EXPECT_THAT(r.out, HasSubstr("      crashed: SIGSEGV (segmentation fault) at address 0x0 (a null pointer), in your "
                               "plugin: (anonymous namespace)::Make("));
  EXPECT_THAT(r.out, HasSubstr("      backtrace of the crashing thread:\n"));
  EXPECT_THAT(r.out, HasSubstr("rerun: " + labtest_ + " --plugin " + RAFTLAB_HOSTILE_CRASH));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("part 1 +plain outcomes +1/1 +passed +0 failed +1/1 +points"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("part 2 +plugin behaviour +0/1 +passed +1 failed +0/1 +points"));
}

TEST_F(LabtestTest, RepeatAndVerbose) {
  Outcome r = Labtest({"-f", yml_, "--filter", "^pass$", "--repeat", "3", "--seed", "2"});
  EXPECT_EQ(r.code, kExitAllPassed);
  EXPECT_THAT(r.out, HasSubstr("[run 1/3]"));
  EXPECT_THAT(r.out, HasSubstr("[run 3/3]"));
  EXPECT_THAT(r.out, HasSubstr("Summary (seed 2): 3 runs, 3 passed, 0 failed"));
  r = Labtest({"-f", yml_, "--filter", "^fail$", "-v"});
  EXPECT_EQ(r.code, kExitTestFailed);
  EXPECT_THAT(r.out, ::testing::ContainsRegex("    \\| +[0-9]+ms S0 T1 INFO  a line the student logged\n"));
}

TEST_F(LabtestTest, BaselineIsRecordedAndShownBesideFigures) {
  const fs::path cfg = dir_ / "cfg";
  fs::create_directories(cfg);
  fs::copy_file(yml_, cfg / "runner_tests.yml");
  const std::string baseline = (cfg / "reference_baseline.json").string();
  Outcome r = Labtest({"-f", (cfg / "runner_tests.yml").string(), "--filter", "^pass$", "--record-baseline", baseline});
  EXPECT_EQ(r.code, kExitAllPassed) << r.err;
  EXPECT_THAT(r.out, HasSubstr("wrote the figures of 1 passing test(s) to " + baseline));
  EXPECT_THAT(r.out, Not(HasSubstr("[reference:")));
  r = Labtest({"-f", (cfg / "runner_tests.yml").string(), "--filter", "^pass$"});
  EXPECT_EQ(r.code, kExitAllPassed);
  EXPECT_THAT(r.out, HasSubstr("   [reference: "));
}

TEST_F(LabtestTest, FailedRunsKeepTheirFilesPassingOnesDoNot) {
  Outcome r = Labtest({"-f", yml_, "--filter", "^(fail|pass)$", "--seed", "3"});
  EXPECT_EQ(r.code, kExitTestFailed);
  std::vector<fs::path> runs;
  for (const auto& e : fs::directory_iterator(dir_ / "out")) runs.push_back(e.path());
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(fs::exists(runs[0] / "fail-0" / "student.log"));
  EXPECT_FALSE(fs::exists(runs[0] / "pass-0"));
  EXPECT_TRUE(fs::exists(runs[0] / "catalogue.yml"));  // the catalogue those runs read
  // The failing run's picture, named in the failure output.
  EXPECT_TRUE(fs::exists(runs[0] / "fail-0" / "timeline.html"));
  EXPECT_THAT(r.out, HasSubstr("      timeline: " + (runs[0] / "fail-0" / "timeline.html").string() + " (open it"));
}

TEST_F(LabtestTest, TimelineAlwaysKeepsPassingRunsPicturesNeverWritesNone) {
  Outcome r = Labtest({"-f", yml_, "--filter", "^(fail|pass)$", "--seed", "3", "--timeline", "always"});
  EXPECT_EQ(r.code, kExitTestFailed);
  const fs::path run = RunFolder();
  EXPECT_TRUE(fs::exists(run / "pass-0" / "timeline.html"));
  EXPECT_TRUE(fs::exists(run / "fail-0" / "timeline.html"));
  fs::remove_all(dir_ / "out");
  r = Labtest({"-f", yml_, "--filter", "^(fail|pass)$", "--seed", "3", "--timeline", "never"});
  EXPECT_EQ(r.code, kExitTestFailed);
  EXPECT_FALSE(fs::exists(RunFolder() / "fail-0" / "timeline.html"));
  EXPECT_THAT(r.out, Not(HasSubstr("timeline: ")));
}

TEST(RerunProgramTest, ABareNameFoundOnPathStaysAsTyped) {
  EXPECT_EQ(RerunProgram("labtest", "/opt/raftlab/bin/labtest"), "labtest");
}

TEST(RerunProgramTest, APathBecomesAbsolute) {
  const std::string cwd = fs::current_path().string();
  EXPECT_EQ(RerunProgram("build/bin/labtest", "/elsewhere/labtest"), cwd + "/build/bin/labtest");
  EXPECT_EQ(RerunProgram("./build/../bin/labtest", ""), cwd + "/bin/labtest");
  EXPECT_EQ(RerunProgram("/abs/labtest", "/elsewhere/labtest"), "/abs/labtest");
}

TEST(RerunProgramTest, NoArgv0FallsBackToTheRunningBinary) {
  EXPECT_EQ(RerunProgram("", "/opt/raftlab/bin/labtest"), "/opt/raftlab/bin/labtest");
  EXPECT_EQ(RerunProgram("", ""), "labtest");
}

TEST_F(LabtestTest, JobsRunTestProcessesInParallel) {
  // Each run of meet-two passes only if the other is running at the same time.
  Outcome r = Labtest({"-f", parallel_yml_, "--filter", "^meet-two$", "--repeat", "2", "-j", "2", "--seed", "4"});
  EXPECT_EQ(r.code, kExitAllPassed) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Summary (seed 4): 2 runs, 2 passed, 0 failed"));
  EXPECT_THAT(r.out, HasSubstr(" 2 jobs\n"));
  // Each run's header is printed together with its result.
  EXPECT_THAT(r.out, ::testing::ContainsRegex("Test \\(meet-two\\): [^\n]* \\[run [12]/2\\] \\.\\.\\.\n  \\.\\.\\. Passed"));
}

TEST_F(LabtestTest, OneJobRunsOneAtATime) {
  // The control of the test above: alone, each run of the rendezvous waits
  // its 1.5 s in vain and fails.
  Outcome r = Labtest({"-f", parallel_yml_, "--filter", "^meet-two-brief$", "--repeat", "2", "-j", "1", "--seed", "5"});
  EXPECT_EQ(r.code, kExitTestFailed) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("only 1 of 2 runs were going at once"));
  EXPECT_THAT(r.out, HasSubstr("2 runs, 0 passed, 2 failed"));
  EXPECT_THAT(r.out, HasSubstr(" 1 job\n"));
}

TEST_F(LabtestTest, UntilFailStopsAtTheFirstFailure) {
  // No --repeat: without end until the test fails (on its third run).
  Outcome r = Labtest({"-f", parallel_yml_, "--filter", "^fail-on-third$", "--until-fail", "-j", "2", "--seed", "6"});
  EXPECT_EQ(r.code, kExitTestFailed) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("repeated until each fails"));
  EXPECT_THAT(r.out, HasSubstr("      run 3 fails\n"));
  EXPECT_THAT(r.out, HasSubstr("[run 3]"));
  // With two jobs, the fourth run may have started before the third failed;
  // nothing after it.
  EXPECT_THAT(r.out, Not(HasSubstr("[run 5]")));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("Summary \\(seed 6\\): [34] runs, 2 passed, [12] failed"));
  r = Labtest({"-f", parallel_yml_, "--filter", "^fail-on-third$", "--until-fail", "-j", "1", "--seed", "6"});
  EXPECT_THAT(r.out, HasSubstr("Summary (seed 6): 3 runs, 2 passed, 1 failed"));
  // --repeat caps it: two runs, both pass.
  r = Labtest({"-f", parallel_yml_, "--filter", "^fail-on-third$", "--until-fail", "--repeat", "2", "--seed", "6"});
  EXPECT_EQ(r.code, kExitAllPassed) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("2 runs, 2 passed, 0 failed"));
}

TEST_F(LabtestTest, FailFastStartsNothingAfterAFailure) {
  Outcome r = Labtest({"-f", parallel_yml_, "--filter", "^(fail|pass)$", "--repeat", "3", "-j", "1", "--fail-fast",
                       "--seed", "2"});
  EXPECT_EQ(r.code, kExitTestFailed) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("--fail-fast: no run was started after the first failure"));
  EXPECT_THAT(r.out, HasSubstr("Summary (seed 2): 1 run, 0 passed, 1 failed"));
  EXPECT_THAT(r.out, Not(HasSubstr("Test (pass)")));
  // Without it every run happens.
  r = Labtest({"-f", parallel_yml_, "--filter", "^(fail|pass)$", "--repeat", "3", "-j", "1", "--seed", "2"});
  EXPECT_THAT(r.out, HasSubstr("6 runs, 3 passed, 3 failed"));
}

TEST_F(LabtestTest, SummaryTablePerTest) {
  Outcome r = Labtest({"-f", parallel_yml_, "--filter", "^(fail|pass)$", "--repeat", "3", "-j", "2", "--seed", "5"});
  EXPECT_EQ(r.code, kExitTestFailed) << r.out << r.err;
  // Header, then catalogue order (fail before pass) whatever order they ended in.
  EXPECT_THAT(r.out, ::testing::ContainsRegex("  test +runs failed  time: mean ± sd \\(min-max\\) +RPCs\n"
                                              "  fail +3 +3  [0-9.]+ ± [0-9.]+ s \\([0-9.]+-[0-9.]+\\) +-\n"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("\n  pass +3 +0  [0-9.]+ ± [0-9.]+ s \\([0-9.]+-[0-9.]+\\) +42\n"));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("      failed: repetition 0 \\(run seed ([0-9]+), fail\\), "
                                                     "repetition 1 \\(run seed [0-9]+, fail\\), repetition 2 "
                                                     "\\(run seed [0-9]+, fail\\)\n")));
  const std::string seed0 = m[1];
  EXPECT_THAT(r.out, HasSubstr("      rerun the first: " + labtest_ + " -f " + parallel_yml_ + " --filter '^fail$' --seed 5\n"));
  EXPECT_THAT(r.out, HasSubstr("seed: 5 (repetition 0, run seed " + seed0 + ")"));
  // The run folder is printed and holds the failed runs only.
  const fs::path run = RunFolder();
  EXPECT_THAT(r.out, HasSubstr("labtest: run files are in " + run.string() + "\n"));
  for (int rep = 0; rep < 3; ++rep) {
    EXPECT_TRUE(fs::exists(run / ("fail-" + std::to_string(rep)) / "student.log"));
    EXPECT_TRUE(fs::exists(run / ("fail-" + std::to_string(rep)) / "result.json"));
    EXPECT_FALSE(fs::exists(run / ("pass-" + std::to_string(rep))));
  }
}

TEST_F(LabtestTest, RerunCommandReplaysOneRepetitionOfAParallelRun) {
  Outcome r = Labtest({"-f", parallel_yml_, "--filter", "^fail$", "--repeat", "3", "-j", "3", "--seed", "11"});
  EXPECT_EQ(r.code, kExitTestFailed);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("seed: 11 \\(repetition 2, run seed ([0-9]+)\\)")));
  const std::string run_seed = m[1];
  const std::string rerun = labtest_ + " -f " + parallel_yml_ + " --filter '^fail$' --seed 11 --repetition 2";
  EXPECT_THAT(r.out, HasSubstr("rerun: " + rerun + "\n"));
  Outcome again = Labtest({"-f", parallel_yml_, "--filter", "^fail$", "--seed", "11", "--repetition", "2"});
  EXPECT_EQ(again.code, kExitTestFailed);
  EXPECT_THAT(again.out, HasSubstr("1 run, 0 passed, 1 failed"));
  EXPECT_THAT(again.out, HasSubstr("seed: 11 (repetition 2, run seed " + run_seed + ")"));
}

TEST_F(LabtestTest, PlainOutputWhenNotATerminal) {
  Outcome r = Labtest({"-f", parallel_yml_, "--filter", "^(fail|pass)$", "-j", "2"});
  EXPECT_THAT(r.out, Not(HasSubstr("\033")));  // no colour, no progress line
  EXPECT_THAT(r.out, Not(HasSubstr("\r")));
  r = Labtest({"-f", parallel_yml_, "--filter", "^(fail|pass)$", "-j", "2", "--color=always"});
  EXPECT_THAT(r.out, HasSubstr("\033[32mPassed\033[0m"));
  EXPECT_THAT(r.out, HasSubstr("\033[1;31mFAILED\033[0m"));
  EXPECT_THAT(r.out, Not(HasSubstr("\r")));  // colour on request, but still no progress line
}

TEST_F(LabtestTest, TerminalGetsColourAndAProgressLine) {
  Outcome r = LabtestOnTerminal({"-f", parallel_yml_, "--filter", "^(fail|pass)$", "-j", "2", "--seed", "3"});
  EXPECT_EQ(r.code, kExitTestFailed) << r.out;
  EXPECT_THAT(r.out, HasSubstr("\033[32mPassed\033[0m"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("\r\033\\[K\033\\[1m\\[[0-9]/2\\]\033\\[0m.* running  elapsed 0:"));
  // The line is erased for good before the summary.
  const size_t summary = r.out.find("Summary (seed 3)");
  ASSERT_NE(summary, std::string::npos) << r.out;
  EXPECT_THAT(r.out.substr(summary), Not(HasSubstr("\033[K")));
  // NO_COLOR (any non-empty value) turns colour off; the progress line stays.
  r = LabtestOnTerminal({"-f", parallel_yml_, "--filter", "^(fail|pass)$", "-j", "2"}, {"NO_COLOR=1"});
  EXPECT_THAT(r.out, Not(HasSubstr("\033[32m")));
  EXPECT_THAT(r.out, Not(HasSubstr("\033[1;31m")));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("\r\033\\[K\\[[0-9]/2\\]"));
  // --color=never too.
  r = LabtestOnTerminal({"-f", parallel_yml_, "--filter", "^(fail|pass)$", "--color=never"});
  EXPECT_THAT(r.out, Not(HasSubstr("\033[32m")));
}

// Polls `path` until it holds a JSON document whose "tests" array has a run
// of `test` (up to 60 s).
nlohmann::json WaitForRunInJson(const fs::path& path, const std::string& test, Runtime& rt) {
  for (int i = 0; i < 1200; ++i) {
    std::ifstream in(path);
    if (in) {
      nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
      if (!j.is_discarded() && j.contains("tests")) {
        for (const auto& run : j["tests"]) {
          if (run.value("test", "") == test) return j;
        }
      }
    }
    rt.sleep_for(Millis(50));
  }
  return nullptr;
}

TEST_F(LabtestTest, InterruptKillsRunningTestsAndLeavesValidResultsFiles) {
  const fs::path json = dir_ / "results" / "run.json";
  const fs::path gradescope = dir_ / "results" / "results.json";
  pid_t pid = SpawnLabtest({"-f", parallel_yml_, "--filter", "^(pass|sleep-long)$", "-j", "2", "--seed", "8",
                            "--output", "json:" + json.string(), "--output", "gradescope:" + gradescope.string()});
  ASSERT_GT(pid, 0);
  // pass ends within moments; sleep-long would go on for 90 s.
  nlohmann::json during = WaitForRunInJson(json, "pass", *rt_);
  ASSERT_FALSE(during.is_null()) << Slurp(dir_ / "stdout.txt") << Slurp(dir_ / "stderr.txt");
  const Nanos sent = rt_->now();
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  // Timing-tolerant: labtest must not wait for the 90 s sleep; 30 s leaves
  // room for a loaded machine.
  EXPECT_LT(rt_->now() - sent, Millis(30000));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kExitInterrupted);

  const std::string out = Slurp(dir_ / "stdout.txt");
  EXPECT_THAT(out, HasSubstr("labtest: interrupted by SIGINT"));
  EXPECT_THAT(out, HasSubstr("Summary (seed 8): 1 run, 1 passed, 0 failed"));
  EXPECT_THAT(out, Not(HasSubstr("Test (sleep-long)")));  // the killed run is not reported
  for (const fs::path& p : {json, gradescope}) {
    std::ifstream in(p);
    nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(j.is_discarded()) << p << " is not valid JSON";
    ASSERT_TRUE(j.contains("tests")) << p;
  }
  std::ifstream in(json);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  ASSERT_EQ(j["tests"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["tests"][0]["test"], "pass");
  EXPECT_EQ(j["tests"][0]["verdict"], "pass");
  // The killed run left no folder behind (and pass kept none): the run
  // folder was empty and removed.
  EXPECT_TRUE(fs::is_empty(dir_ / "out"));
}

TEST_F(LabtestTest, EditingTheCatalogueMidRunChangesNoRun) {
  const fs::path cfg = dir_ / "edited.yml";
  {
    std::ofstream y(cfg);
    y << "version: 1\nparts:\n  - {part: 1, name: naps, points: 1}\ntests:\n"
         "  - {name: nap, part: 1, points: 1, timeout: 20, scenario: test_sleep, params: {ms: 300}}\n";
  }
  pid_t pid = SpawnLabtest({"-f", cfg.string(), "--repeat", "4", "-j", "1", "--seed", "9"});
  ASSERT_GT(pid, 0);
  // Once the run folder holds the snapshot, break the original (timing-
  // tolerant: polls up to 60 s for a loaded machine; the runs take 1.2 s).
  const Nanos t0 = rt_->now();
  bool seen = false;
  while (!seen && rt_->now() - t0 < Millis(60000)) {
    std::error_code ec;
    for (fs::directory_iterator it(dir_ / "out", ec), end; !ec && it != end; it.increment(ec)) {
      if (fs::exists(it->path() / "catalogue.yml")) seen = true;
    }
    if (!seen) rt_->sleep_for(Millis(10));
  }
  ASSERT_TRUE(seen) << Slurp(dir_ / "stderr.txt");
  {
    std::ofstream y(cfg, std::ios::trunc);
    y << "version: 1\ntests: [ this is not a catalogue\n";
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kExitAllPassed) << Slurp(dir_ / "stdout.txt") << Slurp(dir_ / "stderr.txt");
  EXPECT_THAT(Slurp(dir_ / "stdout.txt"), HasSubstr("Summary (seed 9): 4 runs, 4 passed, 0 failed"));
  EXPECT_TRUE(fs::is_empty(dir_ / "out"));  // nothing failed: the snapshot went with the run folder
}

TEST_F(LabtestTest, SigtermExitsWith143) {
  pid_t pid = SpawnLabtest({"-f", parallel_yml_, "--filter", "^sleep-long$", "--seed", "8"});
  ASSERT_GT(pid, 0);
  // Wait (up to 60 s) until the test child is running: it has opened its student log.
  auto started = [&] {
    std::error_code ec;
    for (const auto& run : fs::directory_iterator(dir_ / "out", ec)) {
      if (fs::exists(run.path() / "sleep-long-0" / "student.log")) return true;
    }
    return false;
  };
  for (int i = 0; i < 1200 && !started(); ++i) rt_->sleep_for(Millis(50));
  ASSERT_TRUE(started());
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kExitTerminated);
  EXPECT_THAT(Slurp(dir_ / "stdout.txt"), HasSubstr("labtest: interrupted by SIGTERM"));
}

TEST_F(LabtestTest, BadOutputSpecIsAUsageError) {
  Outcome r = Labtest({"-f", parallel_yml_, "--filter", "^pass$", "--output", "xml:out.xml"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--output 'xml:out.xml'"));
}

TEST_F(LabtestTest, OutputDashPutsOneDocumentOnStdoutAndTheRestOnStderr) {
  Outcome r = Labtest({"-f", yml_, "--filter", "^(pass|skip)$", "--seed", "5", "--output", "json:-"});
  EXPECT_EQ(r.code, kExitAllPassed) << r.out << r.err;
  nlohmann::json doc;
  ASSERT_NO_THROW(doc = nlohmann::json::parse(r.out)) << r.out;  // stdout is exactly one JSON document
  EXPECT_EQ(doc["state"], "finished");
  EXPECT_EQ(doc["tests"].size(), 2u);
  EXPECT_THAT(r.err, HasSubstr("Summary (seed 5): 2 runs, 1 passed, 0 failed, 1 skipped"));
  EXPECT_FALSE(fs::exists(fs::current_path() / "-"));
}

}  // namespace
}  // namespace raftlab
