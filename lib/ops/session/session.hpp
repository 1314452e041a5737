// The seed's session boundary protocol: one group of workers per orchestrator session, a
// checkpoint when it ends, a handoff that tells the next session (anyone's, on any clone after a
// sync) where to pick up. Stored as events of the pseudo-worker store::session_worker.
#pragma once

#include "model/context.hpp"

#include <optional>
#include <string>
#include <vector>

namespace porch::ops {

struct Checkpoint {
    std::string group;
    std::string summary;
    std::int64_t time = 0;
    std::string by;                    // the clone's name
    std::vector<std::string> complete; // workers complete when it was written
    std::vector<std::string> open;     // and the others
};

Checkpoint write_checkpoint(model::Context& ctx, const std::string& group,
                            const std::string& summary);
// Newest first; at most `limit` (0: all).
std::vector<Checkpoint> read_checkpoints(const model::Context& ctx, std::size_t limit = 1);

struct Handoff {
    std::optional<Checkpoint> checkpoint; // the newest one
    std::vector<std::string> open;        // workers not complete: "task-3 (blocked: spec)"
    std::vector<std::string> ready;       // plan tasks not spawned whose needs are complete
    // Workers that failed (rejected again with no attempts left): "task-3 (QA rejected it after
    // 3 attempts ...)", for the user: the seed reports all failures at the end.
    std::vector<std::string> failed;
    std::vector<std::string> next_steps; // commands for the next session
    std::string text;                    // the whole note for the next session
};

// Records a handoff event and returns what the next session needs to know.
Handoff write_handoff(model::Context& ctx);

} // namespace porch::ops
