// QA's verdicts on a complete worker, one per check, and retries of a failed one: all events of
// the worker, so every clone sees them after a sync.
#pragma once

#include "model/context.hpp"
#include "model/states.hpp"

#include <string>
#include <vector>

namespace porch::ops {

struct Verdict {
    std::string worker;
    model::QaVerdict verdict = model::QaVerdict::approved; // approved, rejected or blocked
    std::string reason;
    std::string commit; // the worker's tip that was judged
    std::string check;  // "qa" unless another was named
    // Required checks still not approved on that tip after this verdict, in config order.
    std::vector<std::string> waiting;
};

// Records QA's verdict on a complete worker (its current tip) for `check` (one of
// config::known_checks). A rejection needs a reason: it goes into the worker's resume prompt; so
// does a block (QA could not judge it: the seed's QA_BLOCKED), which says what to investigate.
Verdict record_verdict(model::Context& ctx, const std::string& worker, model::QaVerdict verdict,
                       const std::string& reason, const std::string& check = "qa");

struct Retry {
    std::string worker;
    std::int64_t attempt = 0; // this one, from 1
    std::int64_t allowed = 0; // parallelization.retry_on_failure
};

// Counts one more attempt at the worker's task; refuses (failure) past retry_on_failure, naming
// the failure when the worker has failed (model/checks.hpp).
Retry record_retry(model::Context& ctx, const std::string& worker);

} // namespace porch::ops
