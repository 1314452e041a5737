// [worktree] setup: commands from the committed .porch.toml, run (sh -c) in a new worker's
// worktree, only once this user trusted their exact text (git porch setup --trust).
#pragma once

#include "model/context.hpp"

#include <string>

namespace porch::ops {

enum class SetupOutcome {
    none,      // [worktree] setup names no command
    skipped,   // --no-setup
    untrusted, // its text was never trusted here, or changed since
    done,
    failed, // a command failed or ran out of time: the worker stays, the event and alert say so
};

struct SetupResult {
    SetupOutcome outcome = SetupOutcome::none;
    std::size_t commands = 0; // how many ran
    std::string command;      // failed: the command
    std::int64_t exit = 0;    // failed: its exit status
    bool timed_out = false;
    std::string log;   // where the output is (absolute); empty when nothing ran
    std::string rerun; // the command that runs it again; empty when there is no setup
};

// The git config key that holds the trusted setup's fingerprint.
constexpr const char* trusted_setup_key = "porch.trustedSetup";
// What trust is given to: the hash (git's blob id) of the exact commands.
std::string setup_fingerprint(const config::Config& config);
bool setup_trusted(const model::Context& ctx);
// git porch setup --trust: records the fingerprint of the setup .porch.toml has now; returns it.
// Throws (refused) when there is no setup to trust.
std::string trust_setup(model::Context& ctx);

// Runs the setup in `worktree` for `worker` (task-<id>): output to ctx.notices (prefixed
// "setup: ", bounded) and whole to <git-common-dir>/porch/setup/<worker>.log, each command
// killed after [worktree] setup_timeout; records setup-failed or setup-done. A failure is the
// result, not an Error.
SetupResult run_setup(model::Context& ctx, const std::string& worker, const std::string& worktree,
                      bool skip);

// git porch setup <worker>: runs it again in the worker's worktree here. Throws when the worker
// has no worktree here, or the setup is untrusted.
SetupResult rerun_setup(model::Context& ctx, const std::string& worker);

// The commands the CLI prints.
std::string trust_command();
std::string rerun_command(const std::string& worker);

} // namespace porch::ops
