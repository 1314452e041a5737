// Team settings from the committed `.porch.toml`. A missing file means the defaults.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace porch::config {

constexpr std::string_view file_name = ".porch.toml";

// [protocol] complete_with_uncommitted: what the commit-msg hook does with a [COMPLETE] commit
// that leaves changed or untracked files of the worker's scope out.
enum class LeftOut { refuse, warn };

struct Config {
    // The branch workers start from and integrate into; nullopt: detect (main, master, HEAD).
    std::optional<std::string> base_branch;
    std::int64_t stall_after_seconds = 2 * 3600;
    // [status] behind_alert: commits of the base branch a worker may lack before status alerts;
    // 0: never.
    std::int64_t behind_alert = 50;
    std::string worktree_template = "worktrees/task-{id}-{desc}";
    std::string branch_template = "work/task-{id}-{desc}";
    std::string integration_template = "integration/{feature}";
    // [integrate] verify: a shell command run in the integration worktree after each merge;
    // empty: none.
    std::string integrate_verify;
    // [parallelization]: the seed's orchestration settings.
    bool parallel_enabled = true;      // enabled: false forces the sequential mode
    std::int64_t min_tasks = 3;        // fewer independent tasks than this: sequential
    std::int64_t max_agents = 5;       // workers per wave at most
    bool auto_cleanup = false;         // remove merged workers' worktrees after integrate --finish
    std::int64_t retry_on_failure = 3; // attempts per task that git porch retry allows
    // [qa] required: integrate takes only workers QA approved (the same as "qa" in qa_checks).
    bool qa_required = false;
    // [qa] checks: the checks a worker needs before integration, each judged by its own verdict
    // (git porch qa ... --check <name>); none by default.
    std::vector<std::string> qa_checks;
    // [qa.paths]: a check named here is required only of workers whose scope or changes touch
    // one of its paths (as --scope takes them: a folder, a file or a glob).
    std::map<std::string, std::vector<std::string>> qa_check_paths;
    LeftOut complete_with_uncommitted = LeftOut::refuse;
    // [worktree]: what a new worker's worktree gets from the main worktree besides its checkout.
    // copy: globs of files (relative to the main worktree; typically ignored ones such as .env).
    std::vector<std::string> worktree_copy;
    // clone: folders copied whole (build caches, node_modules), copy-on-write where possible.
    std::vector<std::string> worktree_clone;
    // setup: commands (sh -c) run in the new worktree once this user trusted their text.
    std::vector<std::string> worktree_setup;
    std::int64_t setup_timeout_seconds = 600;
};

// The most entries [worktree] copy, clone and setup each take, and the longest entry.
constexpr std::size_t max_worktree_entries = 64;
constexpr std::size_t max_worktree_entry_size = 1024;

// The check a verdict is about when none is named: QA's own.
constexpr std::string_view default_check = "qa";
// A check's name: a lowercase letter, then lowercase letters, digits and '-' (32 at most).
bool is_check_name(std::string_view name);
// The checks integrate requires (before [qa.paths] narrows them): qa.checks, and "qa" first when
// qa.required adds it.
std::vector<std::string> required_checks(const Config& config);
// The checks a verdict may name: "qa" and every required one.
std::vector<std::string> known_checks(const Config& config);

// Parses and validates TOML text. Throws porch::Error whose message starts with
// "<source_name>:<line>:<column>: " for syntax errors, unknown keys and wrong types.
Config parse(std::string_view toml_text, std::string_view source_name);

// Reads `path`; a missing file yields the defaults.
Config load(const std::string& path);

// The commented file `git porch init` writes: every key, commented out, at its default.
std::string_view default_file_text();

// toml++ 3.3 (Debian 12), looking for Unicode whitespace or key characters, reaches
// __builtin_unreachable for most code points from U+00A0 to U+FEFF (undefined behaviour on a
// file anyone can commit; found by fuzzing). toml_shield moves those code points to plane 15
// (U+F00A0..), where toml++'s tests answer safely, before toml::parse; toml_unshield moves them
// back in every string read from the result. Text that already holds plane-15 private-use
// characters is refused ("<source>:<line>:<column>: ...", with a hint to fix `file`).
std::string toml_shield(std::string_view text, std::string_view source_name, std::string_view file);
std::string toml_unshield(std::string_view text);

// git check-ref-format's rules for a branch name (without "refs/heads/").
bool is_valid_branch_name(std::string_view name);

} // namespace porch::config
