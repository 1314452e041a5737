// Team settings from the committed `.porch.toml`. A missing file means the defaults.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace porch::config {

constexpr std::string_view file_name = ".porch.toml";

struct Config {
    // The branch workers start from and integrate into; nullopt: detect (main, master, HEAD).
    std::optional<std::string> base_branch;
    std::int64_t stall_after_seconds = 2 * 3600;
    std::string worktree_template = "worktrees/task-{id}-{desc}";
    std::string branch_template = "work/task-{id}-{desc}";
    std::string integration_template = "integration/{feature}";
    // [integrate] verify: a shell command run in the integration worktree after each merge;
    // empty: none.
    std::string integrate_verify;
};

// Parses and validates TOML text. Throws porch::Error whose message starts with
// "<source_name>:<line>:<column>: " for syntax errors, unknown keys and wrong types.
Config parse(std::string_view toml_text, std::string_view source_name);

// Reads `path`; a missing file yields the defaults.
Config load(const std::string& path);

// The commented file `git porch init` writes: every key, commented out, at its default.
std::string_view default_file_text();

// git check-ref-format's rules for a branch name (without "refs/heads/").
bool is_valid_branch_name(std::string_view name);

} // namespace porch::config
