// plugin.cc: the reference Raft's one exported symbol, raftlab_entry, which
// hands the harness the ABI table forwarding to ref::Adapter.
#include <raftlab/raftlab.hpp>

#include "reference/adapter.h"

RAFTLAB_DEFINE_PLUGIN(raftlab::ref::Adapter, "raftlab-reference", "1.0")
