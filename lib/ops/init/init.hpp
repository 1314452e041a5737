// `git porch init`: the one-time, idempotent set-up of a repository.
#pragma once

#include "model/context.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace porch::ops {

struct InitResult {
    std::vector<std::string> actions; // what init changed, one line each
    std::vector<std::string> notes;   // warnings and advice (hook managers, ...)
};

// `binary` is the absolute path of git-porch, for the hook shims' fallback.
InitResult init_repository(model::Context& ctx, const std::string& binary);

} // namespace porch::ops
