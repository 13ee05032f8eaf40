// ParseCommandLine (see cli.h).
#include "harness/labtest/cli.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "harness/catalogue/config.h"  // ClosestMatch

namespace raftlab {
namespace {

namespace po = boost::program_options;

constexpr int kMaxJobs = 256;

po::options_description VisibleOptions() {
  po::options_description d("Options", /*line_length=*/100, /*min_description_length=*/50);
  // clang-format off
  d.add_options()
    ("help,h", "show this help and exit")
    ("config,f", po::value<std::string>()->value_name("FILE"),
     "the test catalogue (default: raft_lab_test.yml beside labtest, in the source tree, or ./config/)")
    ("plugin", po::value<std::string>()->value_name("LIB.so"),
     "your Raft plugin (default: the bundled reference implementation)")
    ("part", po::value<std::vector<std::string>>()->value_name("N")->composing(),
     "run only part N (repeat the flag or write 1,2 for several)")
    ("filter", po::value<std::string>()->value_name("REGEX"),
     "run only tests whose name matches REGEX (ECMAScript, searched; '^3A-initial-election$' selects one)")
    ("list", "list the selected tests with their points and exit (-v: parameters too)")
    ("list-steps", "print the reference of the step verbs a catalogue's 'steps:' tests may use, and exit")
    ("repeat", po::value<int>()->value_name("N"), "run each selected test N times")
    ("until-fail", "repeat each test until it fails once (then that test stops, the others go on); "
     "at most --repeat N times, or without end when --repeat is not given (Ctrl-C stops and summarises)")
    ("fail-fast,x", "start no new run after the first failure (runs already going finish and are reported)")
    ("jobs,j", po::value<int>()->value_name("J"),
     "run J test processes at once (default: 4 per core, 2 per core when the 1-minute load average exceeds "
     "the cores; under --sim, one per CPU; with -v, 1)")
    ("seed", po::value<std::string>()->value_name("S"),
     "base seed (decimal or 0x hex) for every random choice of the harness; default: random, printed")
    ("repetition", po::value<int>()->value_name("K"),
     "number repetitions from K (replays repetition K of an earlier --repeat run; printed in rerun commands)")
    ("timeout-scale", po::value<double>()->value_name("X"),
     "multiply every timeout by X (for slow machines and sanitizer builds)")
    ("verbose,v", "stream the log lines of your code and the harness events live")
    ("color", po::value<std::string>()->value_name("WHEN"),
     "colour the output: auto (default: on a terminal, unless NO_COLOR is set), always or never")
    ("output", po::value<std::vector<std::string>>()->value_name("FMT:PATH")->composing(),
     "also write results to PATH as FMT: json, junit or gradescope (repeatable; rewritten after every run, "
     "in sweeps of thousands of runs every few seconds, so an interrupted run leaves a valid file); PATH '-' "
     "prints it to stdout at the end, and labtest's own lines go to stderr")
    ("record-baseline", po::value<std::string>()->value_name("PATH"),
     "after the run, write the figures of passing tests to PATH (a baseline: see grade.sh --record-baseline)")
    ("output-dir", po::value<std::string>()->value_name("DIR"),
     "where run folders go (default: labtest-out); a failed run keeps DIR/<stamp>/<test>-<rep>/ with "
     "student.log, result.json (harness events), timeline.html (see --timeline), stacks.txt (hangs), stdout.txt "
     "and stderr.txt")
    ("keep-output", "keep the files of passing runs too (default: only failed runs keep them)")
    ("timeline", po::value<std::string>()->value_name("WHEN"),
     "write timeline.html (every peer's role, term, crashes, partitions, applies, RPCs and log lines over "
     "time) into a run's folder: failures (default), always (passing runs keep their folder) or never")
    ("memory-limit-mb", po::value<int64_t>()->value_name("MB"),
     "address-space limit of a test process (default 4096; ignored in sanitizer builds)")
    ("repeat-from-config", "run each test as many times as its catalogue 'repeat' says (grading; grade.sh)")
    ("policy", po::value<std::string>()->value_name("P"),
     "scoring in results files: all-or-nothing (points only if every run passes) or pass-rate; "
     "default: the catalogue's grading.policy, else all-or-nothing")
    ("sim", "run under simulated time: one thread at a time in an order drawn from the seed, on a virtual "
     "clock, so a failure replays exactly from its rerun command and a suite takes seconds; needs a plugin "
     "that uses only the host's threads, locks, clock and sleep (the skeleton does); with --repeat N each "
     "test sweeps N seeds")
    ("check-determinism", "with --sim: run each selected test twice with the same seed and fail it, naming "
     "the first differing scheduling point, if the two runs differ; prints each run's trace hash")
    ("race", "re-run under ThreadSanitizer: runs the tsan build of labtest (cmake --preset tsan) with these "
     "arguments; your --plugin must be built with -fsanitize=thread")
    ("race-labtest", po::value<std::string>()->value_name("PATH"),
     "the ThreadSanitizer labtest for --race (default: build/tsan/bin/labtest in the source tree)")
    ("asan", "re-run with AddressSanitizer and UBSan watching your plugin (built with -DRAFTLAB_SANITIZE=address): "
     "a memory error or undefined behaviour ends the test, and the sanitizer's report is its verdict")
    ("asan-labtest", po::value<std::string>()->value_name("PATH"),
     "an ASan build of labtest for --asan (default: this labtest with your plugin's ASan runtime preloaded)");
  // clang-format on
  return d;
}

po::options_description HiddenOptions() {
  po::options_description d("Internal");
  // clang-format off
  d.add_options()
    ("child", "internal: run one test in this process")
    ("test", po::value<std::string>(), "internal: the test to run (--child)")
    ("result-file", po::value<std::string>(), "internal: where the child writes its result")
    ("log-file", po::value<std::string>(), "internal: where the child writes the student log")
    ("sim-trace", "internal: the child writes every scheduling point to sim_trace.txt (--check-determinism)")
    ("positional", po::value<std::vector<std::string>>(), "arguments without a flag (rejected)");
  // clang-format on
  return d;
}

StatusOr<uint64_t> ParseSeed(const std::string& text) {
  if (text.empty() || text[0] == '-' || text[0] == '+') {
    return Status::InvalidArgument(fmt::format("--seed must be a non-negative integer, got '{}'", text));
  }
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 0);
  if (errno != 0 || *end != '\0') {
    return Status::InvalidArgument(fmt::format("--seed must be an integer below 2^64, got '{}'", text));
  }
  return static_cast<uint64_t>(v);
}

Status ParseParts(const std::vector<std::string>& items, std::vector<int>* out) {
  for (const std::string& item : items) {
    std::stringstream ss(item);
    std::string one;
    while (std::getline(ss, one, ',')) {
      errno = 0;
      char* end = nullptr;
      long v = std::strtol(one.c_str(), &end, 10);
      if (one.empty() || *end != '\0' || errno != 0 || v < 1 || v > 1000) {
        return Status::InvalidArgument(fmt::format("--part takes part numbers like 1 or 1,2; got '{}'", item));
      }
      out->push_back(static_cast<int>(v));
    }
  }
  return Status::Ok();
}

// "unrecognised option '--filtr' (did you mean '--filter'?; labtest --help
// lists the flags)".
std::string UnknownFlagMessage(const std::string& given, const po::options_description& visible) {
  std::string word = given;
  const size_t eq = word.find('=');
  if (eq != std::string::npos) word.resize(eq);
  const std::string bare = word.substr(word.find_first_not_of('-') == std::string::npos ? word.size()
                                                                                  : word.find_first_not_of('-'));
  std::vector<std::string> names;
  for (const auto& opt : visible.options()) names.push_back(opt->long_name());
  const std::string hint = ClosestMatch(bare, names);  // "-filtr" and "--filtr" both mean "--filter"
  return fmt::format("unrecognised option '{}' ({}labtest --help lists the flags)", word,
                     hint.empty() ? "" : fmt::format("did you mean '--{}'?; ", hint));
}

}  // namespace

std::string UsageText() {
  std::ostringstream out;
  out << "Usage: labtest [options]\n"
         "Runs the Raft lab tests of a catalogue against your plugin, each test in a fresh process.\n\n"
      << VisibleOptions()
      << "\nExamples:\n"
         "  labtest --plugin build/libraft.so --part 1          run part 1 (leader election)\n"
         "  labtest --plugin build/libraft.so --filter '^3A-'   run the tests whose name starts with 3A-\n"
         "  labtest --plugin build/libraft.so --filter '^3B-backup$' --repeat 100 -j 4\n"
         "  labtest --plugin build/libraft.so --part 2 --until-fail  repeat part 2 until a test fails\n"
         "  labtest --plugin build/libraft.so --output junit:out/junit.xml --output json:out/run.json\n"
         "  labtest --plugin build/libraft.so --sim --part 2 --repeat 200 --until-fail\n"
         "                                                       sweep 200 seeds, stop at the first failure\n"
         "  labtest --list -v                                    show the catalogue with parameters\n"
         "  labtest --list-steps                                 the verbs of 'steps:' tests (docs/STEPS.md)\n"
         "\nExit codes: 0 all passed, 1 a test failed, 2 usage or configuration error,\n"
         "3 plugin load or ABI error, 4 internal error, 130/143 stopped by SIGINT (Ctrl-C)/SIGTERM\n"
         "(running tests are killed; results files keep every run that finished).\n"
         "A seed replays the harness's random choices (network drops and delays, election\n"
         "timeouts your code draws from host->random_u64); in real time (the default) it does not\n"
         "replay the OS's thread scheduling, under --sim it replays everything.\n";
  return out.str();
}

StatusOr<Options> ParseCommandLine(int argc, const char* const* argv) {
  po::options_description all;
  all.add(VisibleOptions()).add(HiddenOptions());
  po::variables_map vm;
  try {
    po::positional_options_description positional;
    positional.add("positional", -1);
    po::parsed_options parsed = po::command_line_parser(argc, argv).options(all).positional(positional).run();
    po::store(parsed, vm);
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    return Status::InvalidArgument(UnknownFlagMessage(e.get_option_name(), VisibleOptions()));
  } catch (const po::error& e) {
    return Status::InvalidArgument(fmt::format("{} (labtest --help lists the flags)", e.what()));
  }

  if (vm.count("positional")) {
    return Status::InvalidArgument(
        fmt::format("unexpected argument '{}' (choose tests with --filter REGEX; labtest --help lists the flags)",
                    vm["positional"].as<std::vector<std::string>>()[0]));
  }
  Options o;
  for (int i = 0; i < argc; ++i) o.command_line.emplace_back(argv[i]);
  if (vm.count("help")) {
    o.mode = Options::Mode::kHelp;
    return o;
  }
  if (vm.count("child")) o.mode = Options::Mode::kChild;
  if (vm.count("list")) {
    if (o.mode == Options::Mode::kChild) return Status::InvalidArgument("--list and --child do not go together");
    o.mode = Options::Mode::kList;
  }
  if (vm.count("list-steps")) {
    if (o.mode != Options::Mode::kRun) {
      return Status::InvalidArgument("--list-steps goes alone (not with --list or --child)");
    }
    o.mode = Options::Mode::kListSteps;
  }
  if (vm.count("config")) o.config_path = vm["config"].as<std::string>();
  if (vm.count("plugin")) {
    o.plugin_path = vm["plugin"].as<std::string>();
    if (o.plugin_path.empty()) return Status::InvalidArgument("--plugin needs the path of your .so");
  }
  if (vm.count("part")) {
    Status s = ParseParts(vm["part"].as<std::vector<std::string>>(), &o.parts);
    if (!s.ok()) return s;
  }
  if (vm.count("filter")) o.filter = vm["filter"].as<std::string>();
  if (vm.count("repeat")) {
    o.repeat = vm["repeat"].as<int>();
    if (o.repeat < 1) return Status::InvalidArgument(fmt::format("--repeat must be at least 1, got {}", o.repeat));
  }
  o.until_fail = vm.count("until-fail") > 0;
  o.fail_fast = vm.count("fail-fast") > 0;
  if (o.until_fail && !vm.count("repeat")) o.repeat = 0;  // like --gtest_repeat=-1: until a failure or Ctrl-C
  if (vm.count("jobs")) {
    o.jobs = vm["jobs"].as<int>();
    if (o.jobs < 1 || o.jobs > kMaxJobs) {
      return Status::InvalidArgument(fmt::format("--jobs must be between 1 and {}, got {}", kMaxJobs, o.jobs));
    }
  }
  if (vm.count("color")) {
    const std::string when = vm["color"].as<std::string>();
    if (when == "auto") {
      o.color = ColorMode::kAuto;
    } else if (when == "always" || when == "yes") {
      o.color = ColorMode::kAlways;
    } else if (when == "never" || when == "no") {
      o.color = ColorMode::kNever;
    } else {
      return Status::InvalidArgument(fmt::format("--color takes auto, always or never; got '{}'", when));
    }
  }
  if (vm.count("output")) o.outputs = vm["output"].as<std::vector<std::string>>();
  if (vm.count("repetition")) {
    o.first_repetition = vm["repetition"].as<int>();
    if (o.first_repetition < 0) {
      return Status::InvalidArgument(fmt::format("--repetition must be 0 or more, got {}", o.first_repetition));
    }
  }
  if (vm.count("seed")) {
    auto seed = ParseSeed(vm["seed"].as<std::string>());
    if (!seed.ok()) return seed.status();
    o.seed = *seed;
  }
  if (vm.count("timeout-scale")) {
    o.timeout_scale = vm["timeout-scale"].as<double>();
    if (!(o.timeout_scale > 0) || o.timeout_scale > 1000) {
      return Status::InvalidArgument(fmt::format("--timeout-scale must be a positive number, got {}", o.timeout_scale));
    }
  }
  o.verbose = vm.count("verbose") > 0;
  if (vm.count("record-baseline")) o.record_baseline = vm["record-baseline"].as<std::string>();
  if (vm.count("output-dir")) o.output_dir = vm["output-dir"].as<std::string>();
  o.keep_passed_output = vm.count("keep-output") > 0;
  if (vm.count("timeline")) {
    const std::string when = vm["timeline"].as<std::string>();
    if (when == "failures") {
      o.timeline = Options::Timeline::kFailures;
    } else if (when == "always") {
      o.timeline = Options::Timeline::kAlways;
    } else if (when == "never") {
      o.timeline = Options::Timeline::kNever;
    } else {
      const std::string hint = ClosestMatch(when, {"failures", "always", "never"});
      return Status::InvalidArgument(fmt::format("--timeline takes failures, always or never; got '{}'{}", when,
                                                 hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
  }
  if (vm.count("memory-limit-mb")) {
    o.memory_limit_mb = vm["memory-limit-mb"].as<int64_t>();
    if (o.memory_limit_mb < 64) {
      return Status::InvalidArgument(fmt::format("--memory-limit-mb must be at least 64, got {}", o.memory_limit_mb));
    }
  }
  o.repeat_from_config = vm.count("repeat-from-config") > 0;
  if (vm.count("policy")) o.policy = vm["policy"].as<std::string>();
  o.race = vm.count("race") > 0;
  o.sim = vm.count("sim") > 0;
  o.check_determinism = vm.count("check-determinism") > 0;
  o.sim_trace = vm.count("sim-trace") > 0;
  if (o.check_determinism && !o.sim) {
    return Status::InvalidArgument(
        "--check-determinism compares two simulated runs: add --sim (real-time runs are never exactly alike)");
  }
  if (o.sim && o.race) {
    return Status::InvalidArgument(
        "--sim and --race do not mix: ThreadSanitizer needs threads that really run at the same time, and "
        "--sim runs one at a time; use one or the other");
  }
  if (vm.count("race-labtest")) o.race_labtest = vm["race-labtest"].as<std::string>();
  o.asan = vm.count("asan") > 0;
  if (vm.count("asan-labtest")) o.asan_labtest = vm["asan-labtest"].as<std::string>();
  if (o.asan && o.race) {
    return Status::InvalidArgument(
        "--asan and --race do not mix: AddressSanitizer and ThreadSanitizer cannot share a process; run one, "
        "then the other (each with a plugin built for it)");
  }
  if (vm.count("test")) o.child_test = vm["test"].as<std::string>();
  if (vm.count("result-file")) o.result_file = vm["result-file"].as<std::string>();
  if (vm.count("log-file")) o.log_file = vm["log-file"].as<std::string>();

  if (o.mode == Options::Mode::kChild) {
    if (o.until_fail || o.fail_fast || o.jobs != 0 || !o.outputs.empty()) {
      return Status::InvalidArgument("--until-fail, --fail-fast, --jobs and --output do not go with --child");
    }
    if (o.child_test.empty() || o.result_file.empty() || o.log_file.empty() || o.plugin_path.empty() ||
        o.config_path.empty() || !o.seed) {
      return Status::InvalidArgument(
          "--child needs --test, --seed, --plugin, -f, --result-file and --log-file (it is run by labtest itself)");
    }
  } else if (vm.count("test") || vm.count("result-file") || vm.count("log-file")) {
    return Status::InvalidArgument("--test, --result-file and --log-file are internal; use --filter to pick tests");
  }
  return o;
}

}  // namespace raftlab
