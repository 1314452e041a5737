// A compiled PCRE2 pattern. Compile once (static or member), match many times.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace porch::util {

class Regex {
public:
    // jit: compiled to machine code, for patterns matched thousands of times in one process
    // (reading a long document); the default suits the few matches of a hook.
    enum class Mode { interpreted, jit };
    // Throws porch::Error when the pattern does not compile (a bug, or a bad template).
    explicit Regex(std::string_view pattern, Mode mode = Mode::interpreted);
    Regex(Regex&&) noexcept;
    Regex& operator=(Regex&&) noexcept;
    ~Regex();

    // Anchored at the start and the end: the whole subject must match. Returns the capture
    // groups (index 0 is the whole match; an unset group is empty).
    std::optional<std::vector<std::string>> match(std::string_view subject) const;
    // Anywhere in the subject.
    bool search(std::string_view subject) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace porch::util
