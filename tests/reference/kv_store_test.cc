// Unit tests of reference/kv_store: the KV wire format and the versioned
// Put/Get rules of MIT 6.5840 (Lab 2/4). Built twice: as is, and with
// RAFTLAB_MUTANT_KV_DOUBLE_PUT, where the one rule that mutant breaks is
// expected to be broken (proving the mutant switch changes behaviour).
#include "reference/kv_store.h"

#include <raftlab/raftlab.h>

#include <gtest/gtest.h>

namespace raftlab::ref {
namespace {

TEST(KvWireTest, RoundTrips) {
  GetArgs ga{std::string("k\0ey", 4)};
  GetArgs ga2;
  ASSERT_TRUE(Decode(Encode(ga), &ga2));
  EXPECT_EQ(ga2.key, ga.key);

  GetReply gr{RAFTLAB_OK, "value", 7};
  GetReply gr2;
  ASSERT_TRUE(Decode(Encode(gr), &gr2));
  EXPECT_EQ(gr2.err, RAFTLAB_OK);
  EXPECT_EQ(gr2.value, "value");
  EXPECT_EQ(gr2.version, 7u);

  PutArgs pa{"k", "v", ~uint64_t{0}};
  PutArgs pa2;
  ASSERT_TRUE(Decode(Encode(pa), &pa2));
  EXPECT_EQ(pa2.key, "k");
  EXPECT_EQ(pa2.value, "v");
  EXPECT_EQ(pa2.version, ~uint64_t{0});

  PutReply pr{RAFTLAB_ERR_VERSION};
  PutReply pr2;
  ASSERT_TRUE(Decode(Encode(pr), &pr2));
  EXPECT_EQ(pr2.err, RAFTLAB_ERR_VERSION);
}

TEST(KvWireTest, RejectsMalformed) {
  PutArgs pa;
  Bytes enc = Encode(PutArgs{"key", "value", 3});
  enc.pop_back();
  EXPECT_FALSE(Decode(enc, &pa));
  enc = Encode(PutArgs{"key", "value", 3});
  enc.push_back(0);  // trailing garbage
  EXPECT_FALSE(Decode(enc, &pa));
  PutReply pr;
  EXPECT_FALSE(Decode(Encode(PutReply{99}), &pr));  // not a RAFTLAB_* code
  GetReply gr;
  EXPECT_FALSE(Decode(Bytes{}, &gr));
}

// The semantics table of MIT's kvsrv (anchors section 1.2), in order.
TEST(KvStoreTest, PutGetVersionRules) {
  KvStore s;
  EXPECT_EQ(s.Get("k").err, RAFTLAB_ERR_NO_KEY);                      // missing key
  EXPECT_EQ(s.Get("k").version, 0u);
  EXPECT_EQ(s.Put({"k", "a", 1}).err, RAFTLAB_ERR_NO_KEY);            // absent, version > 0
  EXPECT_EQ(s.Put({"k", "a", 0}).err, RAFTLAB_OK);                    // absent, version 0: create
  GetReply g = s.Get("k");
  EXPECT_EQ(g.err, RAFTLAB_OK);
  EXPECT_EQ(g.value, "a");
  EXPECT_EQ(g.version, 1u);
  EXPECT_EQ(s.Put({"k", "b", 5}).err, RAFTLAB_ERR_VERSION);           // present, future version
  EXPECT_EQ(s.Put({"k", "b", 1}).err, RAFTLAB_OK);                    // present, equal: bump
  EXPECT_EQ(s.Get("k").value, "b");
  EXPECT_EQ(s.Get("k").version, 2u);
  EXPECT_EQ(s.Put({"k", "z", 0}).err, RAFTLAB_ERR_VERSION);           // present, two behind
  EXPECT_EQ(s.Get("k").value, "b");
  // The rule the KV_DOUBLE_PUT mutant breaks: a put one version behind (a
  // resent put that was already applied, or a concurrent loser).
#ifdef RAFTLAB_MUTANT_KV_DOUBLE_PUT
  EXPECT_EQ(s.Put({"k", "c", 1}).err, RAFTLAB_OK);
  EXPECT_EQ(s.Get("k").version, 3u);
#else
  EXPECT_EQ(s.Put({"k", "c", 1}).err, RAFTLAB_ERR_VERSION);
  EXPECT_EQ(s.Get("k").value, "b");
  EXPECT_EQ(s.Get("k").version, 2u);
#endif
  EXPECT_EQ(s.Get("other").err, RAFTLAB_ERR_NO_KEY);  // keys are independent
}

TEST(KvStoreTest, DoOpDecodesOpsAndEncodesReplies) {
  KvStore s;
  PutReply pr;
  ASSERT_TRUE(Decode(s.DoOp(EncodeOp(PutArgs{"x", "1", 0})), &pr));
  EXPECT_EQ(pr.err, RAFTLAB_OK);
  GetReply gr;
  ASSERT_TRUE(Decode(s.DoOp(EncodeOp(GetArgs{"x"})), &gr));
  EXPECT_EQ(gr.err, RAFTLAB_OK);
  EXPECT_EQ(gr.value, "1");
  EXPECT_EQ(gr.version, 1u);
  // A malformed op changes nothing and reports INTERNAL.
  ASSERT_TRUE(Decode(s.DoOp(Bytes{9, 9}), &pr));
  EXPECT_EQ(pr.err, RAFTLAB_ERR_INTERNAL);
  EXPECT_EQ(s.size(), 1u);
}

TEST(KvStoreTest, SnapshotRestoresEveryKeyAndVersion) {
  KvStore a;
  a.Put({"x", "1", 0});
  a.Put({"x", "2", 1});
  a.Put({"y", std::string("\0\1", 2), 0});
  KvStore b;
  b.Put({"stale", "gone", 0});
  ASSERT_TRUE(b.Restore(a.Snapshot()));
  EXPECT_EQ(b.size(), 2u);
  EXPECT_EQ(b.Get("x").value, "2");
  EXPECT_EQ(b.Get("x").version, 2u);
  EXPECT_EQ(b.Get("y").value, std::string("\0\1", 2));
  EXPECT_EQ(b.Get("stale").err, RAFTLAB_ERR_NO_KEY);
  // A corrupt snapshot leaves the state alone.
  Bytes bad = a.Snapshot();
  bad.pop_back();
  EXPECT_FALSE(b.Restore(bad));
  EXPECT_EQ(b.size(), 2u);
  // An empty store snapshots to something small (TestSnapshotSize4C: <= 500 bytes).
  EXPECT_LE(KvStore().Snapshot().size(), 1u);
}

}  // namespace
}  // namespace raftlab::ref
