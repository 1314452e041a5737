// The QA verdict on a complete worker, and retries of a failed one: both are events of the
// worker, so every clone sees them after a sync.
#pragma once

#include "model/context.hpp"
#include "model/states.hpp"

#include <string>

namespace porch::ops {

struct Verdict {
    std::string worker;
    model::QaVerdict verdict = model::QaVerdict::approved; // approved or rejected
    std::string reason;
    std::string commit; // the worker's tip that was judged
};

// Records QA's verdict on a complete worker (its current tip). A rejection needs a reason: it
// goes into the worker's resume prompt.
Verdict record_verdict(model::Context& ctx, const std::string& worker, bool approve,
                       const std::string& reason);

struct Retry {
    std::string worker;
    std::int64_t attempt = 0; // this one, from 1
    std::int64_t allowed = 0; // parallelization.retry_on_failure
};

// Counts one more attempt at the worker's task; refuses (failure) past retry_on_failure.
Retry record_retry(model::Context& ctx, const std::string& worker);

} // namespace porch::ops
