// Status: see status.h.
#include "runtime/status.h"

namespace raftlab {

std::string Status::ToString() const {
  const char* prefix = "";
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: prefix = "invalid argument: "; break;
    case Code::kConfig: prefix = "config error: "; break;
    case Code::kNotFound: prefix = "not found: "; break;
    case Code::kPluginLoad: prefix = "plugin load error: "; break;
    case Code::kStudentError: prefix = "student error: "; break;
    case Code::kTestFailure: prefix = "test failed: "; break;
    case Code::kTimeout: prefix = "timeout: "; break;
    case Code::kInternal: prefix = "internal error: "; break;
  }
  return prefix + message_;
}

}  // namespace raftlab
