// A worker's scope: the paths it may change, as declared at spawn.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace porch::protocol {

// Whether `path` (relative to the repository root) lies in one of `scopes`: "." is everything,
// a path is itself and everything below it, and a pattern with *, ? or [ is a glob(7).
bool in_scope(const std::string& path, const std::vector<std::string>& scopes);

// Normalises a scope path (relative to the repository root); throws when it leaves the repository.
std::string normalise_scope(std::string_view path);

} // namespace porch::protocol
