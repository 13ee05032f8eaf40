// ClientEnd: see client_end.h.
#include "labrpc/client_end.h"

#include "labrpc/net_core.h"

namespace raftlab::labrpc {

ClientEnd::ClientEnd(std::shared_ptr<NetCore> core, std::shared_ptr<EndState> state)
    : core_(std::move(core)), state_(std::move(state)) {}

bool ClientEnd::Call(std::string_view svc_meth, const Bytes& req, Bytes* reply) {
  return core_->Call(*state_, svc_meth, req, reply);
}

const std::string& ClientEnd::name() const { return state_->name; }

}  // namespace raftlab::labrpc
