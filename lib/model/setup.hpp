// What a repository set up for porch has: the git config porch relies on, and worker worktrees
// kept out of the main checkout's `git status`. init writes it, doctor checks it, spawn and pool
// make sure of the exclusion.
#pragma once

#include "model/context.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace porch::model {

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

// Where [worktree] setup keeps the output of `worker`'s newest run (task-<id>):
// <git-common-dir>/porch/setup/<worker>.log. It goes with the worker's worktree (cleanup).
std::filesystem::path setup_log(const Context& ctx, const std::string& worker);
// The setup logs there are, by worker; files not named task-<id>.log are not porch's.
std::map<std::string, std::filesystem::path> setup_logs(const Context& ctx);

} // namespace porch::model
