// `git porch init`: the one-time, idempotent set-up of a repository.
#pragma once

#include "workers/context.hpp"

#include <string>
#include <vector>

namespace porch::workers {

// What init did, one line each, for the user; empty when everything was already in place.
std::vector<std::string> init_repository(Context& ctx);

} // namespace porch::workers
