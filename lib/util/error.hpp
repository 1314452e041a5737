// The one error type of the porch library. Only the CLI's main turns it into a message and an
// exit code, so the library never prints and never exits.
#pragma once

#include <stdexcept>
#include <string>

namespace porch {

enum class ExitCode : int {
    failure = 1, // the request was understood but the answer is "no" (e.g. invalid message)
    fatal = 128, // git's code for fatal errors
    usage = 129, // git's code for bad command-line usage
};

class Error : public std::runtime_error {
public:
    Error(ExitCode code, std::string message, std::string hint = {})
        : std::runtime_error(std::move(message)), m_code(code), m_hint(std::move(hint)) {}

    ExitCode code() const noexcept { return m_code; }
    // What the user can type next; may be empty.
    const std::string& hint() const noexcept { return m_hint; }

private:
    ExitCode m_code;
    std::string m_hint;
};

[[noreturn]] inline void fail(std::string message, std::string hint = {}) {
    throw Error(ExitCode::fatal, std::move(message), std::move(hint));
}

[[noreturn]] inline void fail_usage(std::string message, std::string hint = {}) {
    throw Error(ExitCode::usage, std::move(message), std::move(hint));
}

} // namespace porch
