// plugin.cc: the reference plugin's one exported symbol, raftlab_entry, which
// hands the harness the ABI table forwarding to ref::Adapter (Raft), and the
// part-5 extensions (ref::Rsm, ref::KvServer, ref::Clerk).
//
// A mutant build (reference/MUTANTS.md) names itself after the mutant
// (RAFTLAB_MUTANT_NAME, or the linked kMutantPluginName), so logs and
// reports say which plugin ran.
#include <raftlab/raftlab.hpp>

#include "reference/adapter.h"
#include "reference/clerk.h"
#include "reference/kvserver.h"
#include "reference/rsm.h"

#if defined(RAFTLAB_MUTANT_NAME)
#define RAFTLAB_REF_PLUGIN_NAME "raftlab-mutant-" RAFTLAB_MUTANT_NAME
#elif defined(RAFTLAB_MUTANT_NAME_EXTERN)
// The object every mutant shares (compiled once): each mutant links a
// one-line generated file defining its name (raftlab_add_mutant).
namespace raftlab::ref {
extern const char kMutantPluginName[];
}  // namespace raftlab::ref
#define RAFTLAB_REF_PLUGIN_NAME ::raftlab::ref::kMutantPluginName
#else
#define RAFTLAB_REF_PLUGIN_NAME "raftlab-reference"
#endif

RAFTLAB_DEFINE_PLUGIN(raftlab::ref::Adapter, RAFTLAB_REF_PLUGIN_NAME, "1.0")
RAFTLAB_DEFINE_EXTENSIONS(raftlab::ref::Adapter, raftlab::ref::Rsm, raftlab::ref::KvServer, raftlab::ref::Clerk)
