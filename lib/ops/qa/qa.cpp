#include "ops/qa/qa.hpp"

#include "model/events.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace porch::ops {

using namespace model;

namespace {

WorkerStatus the_worker(const Context& ctx, const std::string& worker) {
    // collect_status reads "" as "every worker": the verdict would land on whichever came first.
    if (worker.empty())
        throw Error(ErrorKind::invalid, "no worker given", "name one: task-<id>");
    auto report = collect_status(ctx, worker);
    if (report.workers.empty())
        throw no_worker(ctx, worker, "", "list workers with: git porch status");
    return report.workers.front();
}

} // namespace

Verdict record_verdict(Context& ctx, const std::string& worker, bool approve,
                       const std::string& reason) {
    if (!approve && reason.empty())
        throw Error(ErrorKind::invalid, "a rejection needs a reason",
                    "say what to fix: git porch qa reject " + worker + " -m \"<reason>\"");
    auto w = the_worker(ctx, worker);
    if (w.state != model::WorkerState::complete)
        throw Error(ErrorKind::refused,
                    worker + " is not complete (state " + to_string(w.state) +
                        "): QA judges complete work",
                    "wait for its [COMPLETE] commit; see git porch status");
    const QaVerdict verdict = approve ? QaVerdict::approved : QaVerdict::rejected;
    store::append(ctx.repo, QaEvent{verdict, reason, w.last_commit.id}.encode(worker));
    return {worker, verdict, reason, w.last_commit.id};
}

Retry record_retry(Context& ctx, const std::string& worker) {
    auto w = the_worker(ctx, worker);
    Retry r{worker, w.attempts + 1, ctx.config.retry_on_failure};
    if (r.attempt > r.allowed)
        throw Error(
            ErrorKind::refused,
            worker + " was retried " + util::plural(w.attempts, "time") +
                " already (parallelization.retry_on_failure = " + std::to_string(r.allowed) + ")",
            "take it over by hand, split the task, or raise retry_on_failure in .porch.toml");
    store::append(ctx.repo, RetryEvent{r.attempt, w.last_commit.id}.encode(worker));
    return r;
}

} // namespace porch::ops
