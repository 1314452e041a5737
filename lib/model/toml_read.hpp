// What config.cpp and plan/plan.cpp share when they read TOML with toml++ (header-only in both):
// errors that name the place, and the name of a value's type for them.
#pragma once

#include <string>
#include <string_view>
#include <toml++/toml.h>

namespace porch::config {

// Throws porch::Error (fatal) "<source>:<line>:<column>: <message>" with `hint`; the message
// is unshielded (see toml_shield), so it quotes what the file holds.
[[noreturn]] void fail_at(std::string_view source, const toml::source_region& where,
                          const std::string& message, const std::string& hint);
// "a string", "an integer", ...
std::string type_name(const toml::node& node);

} // namespace porch::config
