// ClientEnd: a one-directional client stub talking to one server name
// (MIT labrpc's ClientEnd). Made by Network::MakeEnd, wired with
// Network::Connect and switched on with Network::Enable.
//
// Thread safety: Call may be used from many threads at once; concurrent
// calls may reach the server in any order. Ownership: shared; an end keeps
// the network's internals alive, so a zombie peer may keep calling after the
// Network is destroyed (every such Call returns false at once).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "labrpc/types.h"

namespace raftlab::labrpc {

struct NetCore;
struct EndState;

class ClientEnd {
 public:
  // Internal: use Network::MakeEnd.
  ClientEnd(std::shared_ptr<NetCore> core, std::shared_ptr<EndState> state);
  ClientEnd(const ClientEnd&) = delete;
  ClientEnd& operator=(const ClientEnd&) = delete;

  // Sends `req` to "Service.Method" on the connected server and blocks until
  // done, with no timeout of its own. Returns true only if the handler ran
  // and its reply came back; then *reply holds the reply (reply may be null
  // to discard it). On false, *reply is left unchanged. Returns eventually unless the handler never returns
  // while its server stays alive and this end stays enabled.
  bool Call(std::string_view svc_meth, const Bytes& req, Bytes* reply);

  const std::string& name() const;

 private:
  const std::shared_ptr<NetCore> core_;
  const std::shared_ptr<EndState> state_;
};

}  // namespace raftlab::labrpc
