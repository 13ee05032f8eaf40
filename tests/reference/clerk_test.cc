// Unit tests of reference/clerk over a scripted transport: a fake host whose
// call() answers from a script (a reply, or "lost"), so the clerk's retry
// rules are checked exactly: MIT 6.5840 Lab 4B's "ErrVersion on a resent Put
// is ErrMaybe", leader memory, round-robin, and the pause after a round.
#include "reference/clerk.h"

#include <raftlab/raftlab.h>

#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "reference/kv_store.h"

namespace raftlab::ref {
namespace {

struct ScriptedHost {
  raftlab_host host{};
  std::deque<std::optional<Bytes>> script;  // nullopt: the call is lost
  std::vector<int> servers;                 // who each call went to
  std::vector<std::string> methods;
  int sleeps = 0;
  bool killed = false;

  ScriptedHost() {
    host.struct_size = sizeof host;
    host.host_ctx = this;
    host.call = [](const raftlab_host* h, int32_t peer, const char* method, const uint8_t*, size_t,
                   raftlab_sink* reply) -> int32_t {
      auto* self = static_cast<ScriptedHost*>(h->host_ctx);
      self->servers.push_back(peer);
      self->methods.push_back(method);
      if (self->script.empty()) {
        self->killed = true;  // out of script: stop the clerk instead of spinning
        return 0;
      }
      std::optional<Bytes> r = self->script.front();
      self->script.pop_front();
      if (!r) return 0;
      reply->write(reply, r->data(), r->size());
      return 1;
    };
    host.sleep_ns = [](const raftlab_host* h, int64_t) { static_cast<ScriptedHost*>(h->host_ctx)->sleeps++; };
    host.killed = [](const raftlab_host* h) -> int32_t { return static_cast<ScriptedHost*>(h->host_ctx)->killed; };
    host.random_u64 = [](const raftlab_host*) -> uint64_t { return 0; };
    host.log = [](const raftlab_host*, int32_t, const char*) {};
  }
  void Put(int32_t err) { script.push_back(Encode(PutReply{err})); }
  void Get(int32_t err, const std::string& v = "", uint64_t ver = 0) {
    script.push_back(Encode(GetReply{err, v, ver}));
  }
  void Lost() { script.push_back(std::nullopt); }
};

class ClerkTest : public ::testing::Test {
 protected:
  ScriptedHost fake;
  Clerk clerk{Host(&fake.host), 3};
};

TEST_F(ClerkTest, FirstAttemptErrVersionIsErrVersion) {
  fake.Put(RAFTLAB_ERR_VERSION);
  EXPECT_EQ(clerk.Put("k", "v", 4), RAFTLAB_ERR_VERSION);
  EXPECT_EQ(fake.servers.size(), 1u);
}

TEST_F(ClerkTest, ErrVersionAfterALostCallIsErrMaybe) {
  // The lost attempt may have been applied, bumping the version itself.
  fake.Lost();
  fake.Put(RAFTLAB_ERR_VERSION);
  EXPECT_EQ(clerk.Put("k", "v", 4), RAFTLAB_ERR_MAYBE);
}

TEST_F(ClerkTest, ErrVersionAfterWrongLeaderIsErrMaybe) {
  // A leader may have appended the put before losing leadership; the new
  // leader can still commit it.
  fake.Put(RAFTLAB_ERR_WRONG_LEADER);
  fake.Put(RAFTLAB_ERR_VERSION);
  EXPECT_EQ(clerk.Put("k", "v", 4), RAFTLAB_ERR_MAYBE);
}

TEST_F(ClerkTest, OkAndNoKeyPassThroughEvenWhenResent) {
  fake.Lost();
  fake.Put(RAFTLAB_OK);
  EXPECT_EQ(clerk.Put("k", "v", 0), RAFTLAB_OK);
  fake.Lost();
  fake.Put(RAFTLAB_ERR_NO_KEY);
  EXPECT_EQ(clerk.Put("k", "v", 3), RAFTLAB_ERR_NO_KEY);
  // A fresh Put starts "first attempt" again.
  fake.Put(RAFTLAB_ERR_VERSION);
  EXPECT_EQ(clerk.Put("k", "v", 3), RAFTLAB_ERR_VERSION);
}

TEST_F(ClerkTest, RemembersTheLeaderAndGoesRoundRobin) {
  fake.Put(RAFTLAB_ERR_WRONG_LEADER);  // server 0
  fake.Lost();                         // server 1
  fake.Put(RAFTLAB_OK);                // server 2
  EXPECT_EQ(clerk.Put("k", "v", 0), RAFTLAB_OK);
  EXPECT_EQ(fake.servers, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(clerk.leader(), 2);
  fake.Get(RAFTLAB_OK, "v", 1);  // starts at the remembered leader
  std::string v;
  uint64_t ver = 0;
  EXPECT_EQ(clerk.Get("k", &v, &ver), RAFTLAB_OK);
  EXPECT_EQ(fake.servers.back(), 2);
  EXPECT_EQ(fake.methods.back(), kKvGet);
  EXPECT_EQ(v, "v");
  EXPECT_EQ(ver, 1u);
  EXPECT_EQ(fake.sleeps, 0);  // never a full round without an answer
}

TEST_F(ClerkTest, GetRetriesUntilAnAnswerAndPausesAfterEachFullRound) {
  for (int i = 0; i < 7; i++) {
    if (i % 2) {
      fake.Lost();
    } else {
      fake.Get(RAFTLAB_ERR_WRONG_LEADER);
    }
  }
  fake.Get(RAFTLAB_ERR_NO_KEY);
  std::string v = "untouched";
  uint64_t ver = 42;
  EXPECT_EQ(clerk.Get("k", &v, &ver), RAFTLAB_ERR_NO_KEY);
  EXPECT_EQ(fake.servers.size(), 8u);
  EXPECT_EQ(fake.sleeps, 2);  // after tries 3 and 6 (3 servers)
  EXPECT_EQ(v, "untouched");  // ErrNoKey writes nothing
}

TEST_F(ClerkTest, StopsWhenKilled) {
  // Out of script: the fake reports killed, and the clerk gives up.
  EXPECT_EQ(clerk.Put("k", "v", 0), RAFTLAB_ERR_KILLED);
}

}  // namespace
}  // namespace raftlab::ref
