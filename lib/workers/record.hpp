// The `commit` event: what one commit on a worker branch says, as the store keeps it.
#pragma once

#include "git/repo.hpp"
#include "store/event.hpp"

#include <string>

namespace porch::workers {

// Bounded so one commit cannot bloat a note (subjects from others are untrusted input).
constexpr std::size_t max_recorded_subject = 200;

// `source` is "hook" (post-commit) or "reindex".
store::Event commit_event(const std::string& worker, const git::Commit& commit,
                          const std::string& source);

} // namespace porch::workers
