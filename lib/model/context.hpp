// What every command that works on workers needs: the repository, the team config, the naming
// templates and the base branch, loaded once.
#pragma once

#include "git/repo.hpp"
#include "model/config.hpp"
#include "model/naming.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace porch::model {

// How a long step tells the user what it does; the CLI sets these (stderr), empty: quiet.
struct Notices {
    std::function<void(const std::string&)> say;
    std::function<void(std::uintmax_t done, std::uintmax_t total)> progress;
};

struct Context {
    git::Repo repo;
    config::Config config;
    protocol::Template worktree_template;
    protocol::Template branch_template;
    std::optional<std::string> root; // the main worktree; nullopt in a bare repository
    Notices notices;

    // The configured base branch, or main, master, or the main worktree's branch.
    std::string base_branch() const;
    // The remote teammates share through: porch.remote, else the base branch's upstream
    // remote, else origin.
    std::string default_remote() const;
    // Where git CLI steps run: the main worktree, or the git folder of a bare repository.
    std::string cli_dir() const { return root ? *root : repo.common_dir(); }
    // refs/heads/... of every worker branch share this prefix.
    std::string branch_ref_prefix() const {
        return git::branch_ref(branch_template.literal_prefix()).str();
    }
};

struct WorkerBranch {
    std::string worker; // task-<id>
    std::string id;
    std::string desc;
    std::string branch; // short name
    git::Oid tip;
};

// Every branch the branch template recognises, or only `only` (task-<id>) when given.
std::vector<WorkerBranch> worker_branches(const Context& ctx, const std::string& only = {});

// The short name of the integration branch for `feature`. Throws (usage) for a bad name.
std::string integration_branch(const Context& ctx, const std::string& feature);

// Opens the repository containing `cwd` and its `.porch.toml`.
Context open_context(const std::string& cwd);

} // namespace porch::model
