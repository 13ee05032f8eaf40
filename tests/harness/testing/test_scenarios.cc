// Test-only scenarios for the runner, CLI and report tests, so that those
// tests do not depend on the real Raft scenarios. Linked (as an OBJECT
// library, so the registrars are kept) into labtest_testing.
#include <raftlab/raftlab.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "harness/plugin/loader.h"
#include "harness/scenario/scenario.h"
#include "runtime/rng.h"

namespace raftlab {
namespace {

void Pass(TestContext& ctx) {
  ctx.Event("nothing to check");
  Figures f;
  f.peers = static_cast<int>(ctx.params().Int("peers"));
  f.rpcs = 42;
  f.bytes = 4242;
  f.commands = 7;
  ctx.SetFigures(f);
}

void Fail(TestContext& ctx) {
  ctx.StudentLog(0, 1, RAFTLAB_LOG_INFO, "a line the student logged");
  ctx.Event("checking for a leader");
  ctx.Fail(ctx.params().String("message"));
}

// A failure found on another thread: the scenario notices at its next check.
void FailOtherThread(TestContext& ctx) {
  auto t = ctx.runtime().spawn("checker", [&] { ctx.Fail("found on the checker thread"); });
  t->join();
  ctx.ThrowIfFailed();
}

void Skip(TestContext& ctx) { ctx.Skip("not implemented"); }

void Sleep(TestContext& ctx) { ctx.runtime().sleep_for(Millis(ctx.params().Int("ms"))); }

// Prints `bytes` bytes to stdout from the harness side.
void Flood(TestContext& ctx) {
  std::string chunk(1 << 16, 'y');
  chunk.back() = '\n';
  for (int64_t left = ctx.params().Int("bytes"); left > 0; left -= static_cast<int64_t>(chunk.size())) {
    std::fwrite(chunk.data(), 1, chunk.size(), stdout);
  }
  std::fflush(stdout);
}

// A host with just enough services for make/start/kill of one instance.
struct StubHost {
  raftlab_host host{};
  TestContext* ctx = nullptr;
  Rng rng{1};
};

StubHost* Self(const raftlab_host* h) { return static_cast<StubHost*>(h->host_ctx); }

void InitStubHost(StubHost* s, TestContext& ctx) {
  raftlab_host& h = s->host;
  s->ctx = &ctx;
  s->rng = Rng(DeriveSeed(ctx.seed(), "stub-host"));
  h.struct_size = sizeof(raftlab_host);
  h.abi_major = RAFTLAB_ABI_MAJOR;
  h.abi_minor = RAFTLAB_ABI_MINOR;
  h.host_ctx = s;
  h.call = [](const raftlab_host*, int32_t, const char*, const uint8_t*, size_t, raftlab_sink*) -> int32_t {
    return 0;
  };
  h.apply = [](const raftlab_host*, const raftlab_apply_msg*) -> int32_t { return RAFTLAB_OK; };
  h.persist_save = [](const raftlab_host*, const uint8_t*, size_t, const uint8_t*, size_t) {};
  h.persist_read_state = [](const raftlab_host*, raftlab_sink*) {};
  h.persist_read_snapshot = [](const raftlab_host*, raftlab_sink*) {};
  h.persist_state_size = [](const raftlab_host*) -> size_t { return 0; };
  h.persist_snapshot_size = [](const raftlab_host*) -> size_t { return 0; };
  h.log = [](const raftlab_host* hh, int32_t level, const char* text) {
    Self(hh)->ctx->StudentLog(0, 0, level, text);
  };
  h.random_u64 = [](const raftlab_host* hh) -> uint64_t { return Self(hh)->rng.next(); };
  h.now_ns = [](const raftlab_host* hh) -> int64_t { return Self(hh)->ctx->runtime().now().count(); };
  h.sleep_ns = [](const raftlab_host* hh, int64_t ns) { Self(hh)->ctx->runtime().sleep_for(Nanos(ns)); };
  h.thread_start = [](const raftlab_host*, const char*, void (*)(void*), void*) -> raftlab_thread* {
    return nullptr;
  };
  h.thread_join = [](const raftlab_host*, raftlab_thread*) {};
  h.mutex_new = [](const raftlab_host*) -> raftlab_mutex* { return nullptr; };
  h.mutex_free = [](const raftlab_host*, raftlab_mutex*) {};
  h.mutex_lock = [](const raftlab_host*, raftlab_mutex*) {};
  h.mutex_unlock = [](const raftlab_host*, raftlab_mutex*) {};
  h.cond_new = [](const raftlab_host*) -> raftlab_cond* { return nullptr; };
  h.cond_free = [](const raftlab_host*, raftlab_cond*) {};
  h.cond_wait = [](const raftlab_host*, raftlab_cond*, raftlab_mutex*) {};
  h.cond_wait_until = [](const raftlab_host*, raftlab_cond*, raftlab_mutex*, int64_t) -> int32_t { return 1; };
  h.cond_notify_one = [](const raftlab_host*, raftlab_cond*) {};
  h.cond_notify_all = [](const raftlab_host*, raftlab_cond*) {};
  h.killed = [](const raftlab_host*) -> int32_t { return 0; };
}

// make() one instance, start() one command, kill and destroy it.
void MakeStart(TestContext& ctx) {
  auto loaded = ctx.plugin().Instantiate();
  if (!loaded.ok()) ctx.Fail(loaded.status().message());
  const raftlab_plugin* api = (*loaded)->api();
  StubHost stub;
  InitStubHost(&stub, ctx);
  ctx.Event("make peer 0");
  raftlab_raft* raft = api->make(&stub.host, 0, 1);
  if (raft == nullptr) ctx.Fail("make returned NULL");
  ctx.Event("start a command on peer 0");
  int64_t index = 0, term = 0;
  int32_t is_leader = 0;
  const uint8_t cmd[] = {'1', '0', '1'};
  api->start(raft, cmd, sizeof cmd, &index, &term, &is_leader);
  ctx.Event("kill peer 0");
  api->kill(raft);
  api->destroy(raft);
}

// The arguments of process `pid` ("self" for this one), from /proc. The
// test child is sandboxed (harness/sandbox): it may read files but not
// write them, so the scenarios below learn about their runs by reading.
std::vector<std::string> CommandLineOf(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/cmdline", std::ios::binary);
  std::vector<std::string> args;
  std::string arg;
  while (std::getline(in, arg, '\0')) args.push_back(arg);
  return args;
}

bool HasArgPair(const std::vector<std::string>& args, const std::string& flag, const std::string& value) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag && args[i + 1] == value) return true;
  }
  return false;
}

// Waits until `parties` test processes of this very test are running at
// once (counted from /proc: `labtest --child --test NAME`), up to `wait_ms`.
// Passes only if they met, so a pass proves that labtest ran them in
// parallel, whatever the machine's speed. So that no party leaves before
// the others have seen it, the one with the lowest pid stays until it is
// alone again (or wait_ms passes); the others leave once they have met.
void Rendezvous(TestContext& ctx) {
  const auto parties = static_cast<size_t>(ctx.params().Int("parties"));
  const std::string name = ctx.spec().name;
  const Nanos deadline = ctx.runtime().now() + Millis(ctx.params().Int("wait_ms"));
  auto others = [&] {  // pids of the runs of this test, this one included
    std::vector<long> pids;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
      const std::string pid = e.path().filename().string();
      if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
      const std::vector<std::string> args = CommandLineOf(pid);
      if (std::find(args.begin(), args.end(), "--child") != args.end() && HasArgPair(args, "--test", name)) {
        pids.push_back(std::stol(pid));
      }
    }
    return pids;
  };
  size_t seen = 0;
  while (ctx.runtime().now() < deadline) {
    std::vector<long> pids = others();
    seen = pids.size();
    if (seen >= parties) {
      // Stay alive a while so the other runs, which poll every 10 ms, see
      // this one too before it exits. Timing-tolerant on purpose: 2 s is two
      // hundred polls, enough even on a heavily loaded machine.
      ctx.runtime().sleep_for(Millis(2000));
      return;
    }
    ctx.runtime().sleep_for(Millis(10));
  }
  ctx.Fail("only " + std::to_string(seen) + " of " + std::to_string(parties) + " runs were going at once");
}

// Fails from repetition `fail_on` - 1 on (its `fail_on`-th run, counting
// from repetition 0), read from this process's --repetition argument.
void FailOnRun(TestContext& ctx) {
  const std::vector<std::string> args = CommandLineOf("self");
  int64_t repetition = 0;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--repetition") repetition = std::stoll(args[i + 1]);
  }
  if (repetition + 1 >= ctx.params().Int("fail_on")) {
    ctx.Fail("run " + std::to_string(repetition + 1) + " fails");
  }
}

RAFTLAB_REGISTER_SCENARIO({"test_rendezvous",
                           "waits for other runs of itself",
                           {{"parties", ParamType::kInt, int64_t{2}, "runs that must meet"},
                            {"wait_ms", ParamType::kInt, int64_t{20000}, "how long to wait for them"}},
                           &Rendezvous});
RAFTLAB_REGISTER_SCENARIO({"test_fail_on_run",
                           "fails from its n-th run on",
                           {{"fail_on", ParamType::kInt, int64_t{3}, "first failing run (1-based)"}},
                           &FailOnRun});
RAFTLAB_REGISTER_SCENARIO({"test_pass", "passes and reports figures", {{"peers", ParamType::kInt, int64_t{3}, "peers"}},
                           &Pass});
RAFTLAB_REGISTER_SCENARIO({"test_fail",
                           "fails with a message",
                           {{"message", ParamType::kString, std::string("expected one leader, got none"), "why"}},
                           &Fail});
RAFTLAB_REGISTER_SCENARIO({"test_fail_other_thread", "fails from another thread", {}, &FailOtherThread});
RAFTLAB_REGISTER_SCENARIO({"test_skip", "skips", {}, &Skip});
RAFTLAB_REGISTER_SCENARIO({"test_sleep", "sleeps", {{"ms", ParamType::kInt, int64_t{10}, "how long"}}, &Sleep});
RAFTLAB_REGISTER_SCENARIO({"test_flood", "floods stdout", {{"bytes", ParamType::kInt, int64_t{1}, "how much"}},
                           &Flood});
RAFTLAB_REGISTER_SCENARIO({"test_make_start", "make, start, kill one instance", {}, &MakeStart});

}  // namespace
}  // namespace raftlab
