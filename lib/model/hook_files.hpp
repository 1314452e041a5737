// Installing porch's hook shims where git really reads hooks, chaining any hook that is not
// ours, and restoring the folder exactly on uninstall.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace porch::hooks {

// commit-msg also makes pre-commit's checks: every hook is a process on every commit.
inline constexpr std::array<std::string_view, 3> hook_names = {"commit-msg", "post-commit",
                                                               "post-merge"};
// Hooks earlier versions installed: install and uninstall take their shims away.
inline constexpr std::array<std::string_view, 1> retired_hook_names = {"pre-commit"};
inline constexpr std::string_view chained_suffix = ".porch-chained";

enum class State {
    absent,  // no hook file
    ours,    // our shim, nothing chained
    chained, // our shim, calling the user's hook kept beside it
    foreign, // someone else's hook and no shim: porch does not run
};

std::string_view to_string(State state);

struct HookInfo {
    std::string name;
    std::string path;
    State state = State::absent;
    bool shim_outdated = false; // ours, but not what this version would write
};

struct Report {
    std::string dir; // the folder git reads hooks from
    std::vector<HookInfo> hooks;
    std::vector<std::string> actions; // what was changed, one line each
    std::vector<std::string> notes;   // warnings and how to wire porch into hook managers
};

// `cwd` is any folder of the repository; `binary` the absolute path of git-porch, the shims'
// fallback when git-porch is not on PATH (GUIs run hooks with another PATH).
Report install(const std::string& cwd, const std::string& binary);
Report uninstall(const std::string& cwd);
Report status(const std::string& cwd, const std::string& binary);

// The shim's text for one hook.
std::string shim_text(std::string_view name, const std::string& binary);

} // namespace porch::hooks
