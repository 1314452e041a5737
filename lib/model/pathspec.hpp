// Paths in the commands porch prints: each command works as typed by sh, from any folder, and
// names exactly the files it means (git reads a path argument as a pattern).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace porch::model {

// How many paths a printed command lists itself; more go into a pathspec file.
constexpr std::size_t max_inline_paths = 10;

// `path` (relative to the top of the worktree) as one literal pathspec: ":(literal)" in front
// when git would read it as a pattern (*, ?, [, \) or as magic (a leading ':').
std::string literal_pathspec(std::string_view path);

// " -- a b" for these paths (each literal, quoted for sh when needed); nullopt when there are
// more than `max_inline` or one would not survive being printed (control characters, invalid
// UTF-8): then a pathspec file (pathspec_file_text) is the way.
std::optional<std::string> inline_pathspecs(const std::vector<std::string>& paths,
                                            std::size_t max_inline = max_inline_paths);

// What --pathspec-from-file=<file> --pathspec-file-nul reads: each literal, NUL-terminated.
std::string pathspec_file_text(const std::vector<std::string>& paths);

// " --pathspec-from-file=<file> --pathspec-file-nul", the file quoted for sh when needed.
std::string pathspec_file_args(const std::string& file);

} // namespace porch::model
