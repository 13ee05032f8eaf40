// Status: the one error type of the raftlab harness (leveldb style).
// A Status is OK or carries a code and a message meant for a person.
// Thread safety: a value type; immutable after construction, safe to copy.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace raftlab {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // bad flags, bad values
    kConfig,           // malformed or invalid YAML configuration
    kNotFound,         // missing file, unknown test or scenario
    kPluginLoad,       // the .so could not be loaded or fails the ABI
    kStudentError,     // the plugin broke a rule (misuse of the host API)
    kTestFailure,      // a check of a test failed
    kTimeout,          // something did not finish in time
    kInternal,         // a harness bug
  };

  Status() = default;  // OK
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status Config(std::string msg) { return {Code::kConfig, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status PluginLoad(std::string msg) { return {Code::kPluginLoad, std::move(msg)}; }
  static Status StudentError(std::string msg) { return {Code::kStudentError, std::move(msg)}; }
  static Status TestFailure(std::string msg) { return {Code::kTestFailure, std::move(msg)}; }
  static Status Timeout(std::string msg) { return {Code::kTimeout, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;  // "config error: <message>" or "OK"

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}              // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {}      // NOLINT: must not be OK
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() { return value_; }
  const T& value() const { return value_; }
  T& operator*() { return value_; }
  T* operator->() { return &value_; }

 private:
  Status status_;
  T value_{};
};

}  // namespace raftlab
