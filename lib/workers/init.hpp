// `git porch init`: the one-time, idempotent set-up of a repository.
#pragma once

#include "workers/context.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace porch::workers {

struct InitResult {
    std::vector<std::string> actions; // what init changed, one line each
    std::vector<std::string> notes;   // warnings and advice (hook managers, ...)
};

// Sets a --local git config value in the repository at `root` unless it is there; a
// multi-valued key gets `value` added beside its others, a single-valued one keeps the user's
// own choice. Returns whether it changed anything.
bool ensure_config(const std::string& root, const std::string& key, const std::string& value,
                   bool multi);

struct WantedSetting {
    std::string key, value;
    bool multi; // one value among several (a refspec), not the only one
};
// The git config porch relies on: notes carried by amend and rebase, merged by line union, and
// for every remote the refspecs that make a plain `git fetch` bring porch's notes into tracking
// refs. `dir` is any folder of the repository.
std::vector<WantedSetting> wanted_settings(const std::string& dir);

// Appends `line` to `file` (e.g. .git/info/exclude) unless a line equal to it, trimmed, is
// there; creates the file and its folder. Returns whether it added the line.
bool ensure_line(const std::filesystem::path& file, const std::string& line);

// Adds the worktree folder to .git/info/exclude unless it is there; returns the pattern added.
std::optional<std::string> ensure_excluded(const Context& ctx);

// `binary` is the absolute path of git-porch, for the hook shims' fallback.
InitResult init_repository(Context& ctx, const std::string& binary);

} // namespace porch::workers
