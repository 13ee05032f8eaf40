// plugin.cc: the reference plugin's one exported symbol, raftlab_entry, which
// hands the harness the ABI table forwarding to ref::Adapter (Raft), and the
// part-5 extensions (ref::Rsm, ref::KvServer, ref::Clerk).
//
// A patched build of these sources (a mutant or a correct variant, see
// tests/mutants/ and tests/variants/) passes its own name in
// RAFTLAB_REF_PLUGIN_NAME, so logs and reports say which plugin ran.
#include <raftlab/raftlab.hpp>

#include "reference/adapter.h"
#include "reference/clerk.h"
#include "reference/kvserver.h"
#include "reference/rsm.h"

#ifndef RAFTLAB_REF_PLUGIN_NAME
#define RAFTLAB_REF_PLUGIN_NAME "raftlab-reference"
#endif

RAFTLAB_DEFINE_PLUGIN(raftlab::ref::Adapter, RAFTLAB_REF_PLUGIN_NAME, "1.0")
RAFTLAB_DEFINE_EXTENSIONS(raftlab::ref::Adapter, raftlab::ref::Rsm, raftlab::ref::KvServer, raftlab::ref::Clerk)
