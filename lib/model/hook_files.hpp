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
    managed, // a hook manager's hook that runs porch (its config, or our shim it kept)
    foreign, // someone else's hook and no shim: porch does not run
};

std::string_view to_string(State state);

struct HookInfo {
    std::string name;
    std::string path;
    State state = State::absent;
    bool shim_outdated = false; // ours, but not what this version would write
    std::string via;            // managed: what runs porch ("lefthook.yml", ...)
    bool runs_twice = false;    // porch runs from two places (harmless: a commit is recorded once)
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

// The shell command a hook manager's hook runs for porch: git-porch from PATH, else `binary`
// (a GUI's PATH may lack it, as the shims know). `args` is the hook's arguments, as the
// manager spells them ("\"$1\"", "{1}"...).
std::string porch_command(std::string_view name, const std::string& binary, std::string_view args);

// A relative core.hooksPath is read in every worktree from that worktree's own folder; one that
// is generated and git-ignored (husky's `.husky/_`) is missing from a new worktree, where git
// would then run no hooks at all. Copies it from the checkout at `from` into `worktree`; throws a
// fatal Error when neither has it.
void provide_hooks_folder(const std::string& from, const std::string& worktree);

} // namespace porch::hooks
