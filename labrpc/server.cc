// Server: see server.h.
#include "labrpc/server.h"

namespace raftlab::labrpc {

Server::Server() : services_(std::make_shared<const ServiceMap>()) {}

void Server::AddService(const std::string& service, Handler h) {
  std::shared_ptr<const ServiceMap> cur = services_.load();
  std::shared_ptr<const ServiceMap> next;
  do {
    auto copy = std::make_shared<ServiceMap>(*cur);
    (*copy)[service] = h;
    next = std::move(copy);
  } while (!services_.compare_exchange_weak(cur, next));
}

Server::DispatchResult Server::Dispatch(std::string_view svc_meth, const Bytes& req,
                                        Bytes* reply) {
  count_.fetch_add(1, std::memory_order_relaxed);  // before the lookup, as MIT
  const size_t dot = svc_meth.rfind('.');
  if (dot == std::string_view::npos) return DispatchResult::kUnknownService;
  std::shared_ptr<const ServiceMap> services = services_.load();
  auto it = services->find(svc_meth.substr(0, dot));
  if (it == services->end()) return DispatchResult::kUnknownService;
  try {
    return it->second(svc_meth, req, reply) ? DispatchResult::kOk
                                            : DispatchResult::kUnknownMethod;
  } catch (...) {
    // Handlers wrap plugin code that must not throw; never let it kill the
    // handler thread.
    return DispatchResult::kHandlerThrew;
  }
}

}  // namespace raftlab::labrpc
