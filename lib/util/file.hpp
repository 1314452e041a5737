// Whole files read in one go.
#pragma once

#include <optional>
#include <string>

namespace porch::util {

// The file's bytes; nullopt when it cannot be opened (missing, no permission). A file that opens
// but cannot be read (a folder) reads as empty. Sized by fstat, read by read(2): porch reads
// refs, packed-refs, .porch.toml and commit messages on every commit's hooks, where a string
// stream's growing buffer and iostream's set-up cost more than the read.
std::optional<std::string> read_file(const std::string& path);

} // namespace porch::util
