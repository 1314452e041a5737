// A worker's scope: the paths it may change, as declared at spawn.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace porch::protocol {

// Whether `path` (relative to the repository root) lies in one of `scopes`: "." is everything,
// a path is itself and everything below it, and a pattern with *, ? or [ is a glob(7).
bool in_scope(const std::string& path, const std::vector<std::string>& scopes);

// Whether two scopes (as in_scope takes them: a path, a folder, or a glob) may name a common
// file. Globs are compared by sample paths, so the answer errs towards "yes".
bool scopes_overlap(const std::string& a, const std::string& b);

// Whether a scope is a glob (has *, ? or [).
bool is_glob(std::string_view scope);
// "./src/" and "src" name the same folder: "src"; "" and "." name everything: "".
std::string plain_scope(std::string scope);
// A last component with an extension ("user.py") is taken for a file, anything else for a
// folder: in_scope treats both alike, but people write folders without a dot.
bool looks_like_file(std::string_view path);

// Normalises a scope path (relative to the repository root); throws when it leaves the repository.
std::string normalise_scope(std::string_view path);

} // namespace porch::protocol
