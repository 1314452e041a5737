#include "ops/qa/qa.hpp"

#include "model/checks.hpp"
#include "model/events.hpp"
#include "model/naming.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>

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

namespace {

std::string verb(QaVerdict verdict) {
    return verdict == QaVerdict::approved   ? "approve"
           : verdict == QaVerdict::rejected ? "reject"
                                            : "block";
}

// A verdict on a check .porch.toml does not know would hold nothing up, nor be asked for.
void require_known_check(const Context& ctx, const std::string& worker, QaVerdict verdict,
                         const std::string& check) {
    auto known = config::known_checks(ctx.config);
    if (std::find(known.begin(), known.end(), check) != known.end())
        return;
    std::vector<std::string> commands;
    for (const auto& k : known)
        commands.push_back("git porch qa " + verb(verdict) + " " + worker + check_option(k));
    throw Error(ErrorKind::invalid,
                "no check " + protocol::quote(check) + " in " + std::string(config::file_name) +
                    " (qa.checks: " + util::join(known, ", ") + ")",
                "judge one of them: " + util::join(commands, ", or "));
}

} // namespace

Verdict record_verdict(Context& ctx, const std::string& worker, QaVerdict verdict,
                       const std::string& reason, const std::string& check) {
    const std::string again =
        "git porch qa " + verb(verdict) + " " + worker + check_option(check) + " -m ";
    if (verdict == QaVerdict::rejected && reason.empty())
        throw Error(ErrorKind::invalid, "a rejection needs a reason",
                    "say what to fix: " + again + "\"<reason>\"");
    if (verdict == QaVerdict::blocked && reason.empty())
        throw Error(ErrorKind::invalid, "a block needs a reason",
                    "say what kept QA from judging it: " + again + "\"<environment issue>\"");
    require_known_check(ctx, worker, verdict, check);
    auto w = the_worker(ctx, worker);
    if (w.state != model::WorkerState::complete)
        throw Error(ErrorKind::refused,
                    worker + " is not complete (state " + to_string(w.state) +
                        "): QA judges complete work",
                    "wait for its [COMPLETE] commit; see git porch status");
    store::append(ctx.repo, QaEvent{verdict, reason, w.last_commit.id, check}.encode(worker));
    Verdict v{worker, verdict, reason, w.last_commit.id, check, {}};
    for (const auto& c : w.checks)
        if (c.required && c.check != check && c.verdict != QaVerdict::approved)
            v.waiting.push_back(c.check);
    return v;
}

Retry record_retry(Context& ctx, const std::string& worker) {
    auto w = the_worker(ctx, worker);
    Retry r{worker, w.attempts + 1, ctx.config.retry_on_failure};
    if (w.failure)
        throw Error(ErrorKind::refused, worker + " failed: " + failure_summary(w),
                    failure_action(w));
    if (r.attempt > r.allowed)
        throw Error(ErrorKind::refused,
                    worker + " was retried " + util::plural(w.attempts, "time") +
                        " already (parallelization.retry_on_failure = " +
                        std::to_string(r.allowed) + "), and its last attempt has not failed",
                    "let that attempt finish (see git porch status --worker " + worker +
                        "); or raise retry_on_failure under [parallelization] in .porch.toml, "
                        "then run: git porch retry " +
                        worker);
    store::append(ctx.repo, RetryEvent{r.attempt, w.last_commit.id}.encode(worker));
    return r;
}

} // namespace porch::ops
