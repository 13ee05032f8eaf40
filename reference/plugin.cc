// plugin.cc: the reference plugin's one exported symbol, raftlab_entry, which
// hands the harness the ABI table forwarding to ref::Adapter (Raft), and the
// part-5 extensions (ref::Rsm, ref::KvServer, ref::Clerk).
//
// A mutant build (reference/MUTANTS.md) defines RAFTLAB_MUTANT_NAME and
// names itself after it, so logs and reports say which plugin ran.
#include <raftlab/raftlab.hpp>

#include "reference/adapter.h"
#include "reference/clerk.h"
#include "reference/kvserver.h"
#include "reference/rsm.h"

#ifdef RAFTLAB_MUTANT_NAME
#define RAFTLAB_REF_PLUGIN_NAME "raftlab-mutant-" RAFTLAB_MUTANT_NAME
#else
#define RAFTLAB_REF_PLUGIN_NAME "raftlab-reference"
#endif

RAFTLAB_DEFINE_PLUGIN(raftlab::ref::Adapter, RAFTLAB_REF_PLUGIN_NAME, "1.0")
RAFTLAB_DEFINE_EXTENSIONS(raftlab::ref::Adapter, raftlab::ref::Rsm, raftlab::ref::KvServer, raftlab::ref::Clerk)
