// The one error type of the porch library. It says what kind of "no" it is; only the CLI's main
// turns it into a message and an exit code, so the library never prints, never exits and never
// picks an exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace porch {

enum class ErrorKind {
    refused, // the request was understood but the answer is "no" (e.g. an invalid message)
    fatal,   // it could not be done (a missing repository, a failed git step)
    invalid, // the request itself is malformed: a bad argument, name or combination
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string message, std::string hint = {})
        : std::runtime_error(std::move(message)), m_kind(kind), m_hint(std::move(hint)) {}

    ErrorKind kind() const noexcept { return m_kind; }
    // What the user can type next; may be empty.
    const std::string& hint() const noexcept { return m_hint; }

private:
    ErrorKind m_kind;
    std::string m_hint;
};

[[noreturn]] inline void fail(std::string message, std::string hint = {}) {
    throw Error(ErrorKind::fatal, std::move(message), std::move(hint));
}

[[noreturn]] inline void fail_invalid(std::string message, std::string hint = {}) {
    throw Error(ErrorKind::invalid, std::move(message), std::move(hint));
}

} // namespace porch
