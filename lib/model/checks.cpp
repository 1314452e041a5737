#include "model/checks.hpp"

#include "model/scope.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace porch::model {

namespace {

// Why a path-limited check is required of the worker, or "" when it is not.
std::string touched(const std::vector<std::string>& paths, const std::vector<std::string>& scope,
                    std::optional<std::vector<std::string>>& changed,
                    const std::function<std::vector<std::string>()>& changes) {
    // A scope of "." may change anything: only its changes decide.
    const bool anything = std::any_of(scope.begin(), scope.end(), [](const std::string& s) {
        return protocol::plain_scope(s).empty();
    });
    for (const auto& s : anything ? std::vector<std::string>{} : scope)
        for (const auto& p : paths)
            if (protocol::scopes_overlap(s, p))
                return "qa.paths: its scope " + s + " meets " + p;
    if (!changed)
        changed = changes ? changes() : std::vector<std::string>{};
    for (const auto& f : *changed)
        if (protocol::in_scope(f, paths))
            return "qa.paths: it changed " + f;
    return {};
}

} // namespace

std::vector<RequiredCheck>
required_checks(const config::Config& config, const std::vector<std::string>& scope,
                const std::function<std::vector<std::string>()>& changes) {
    std::vector<RequiredCheck> out;
    std::optional<std::vector<std::string>> changed; // read once, when needed
    for (const auto& check : config::required_checks(config)) {
        auto paths = config.qa_check_paths.find(check);
        if (paths == config.qa_check_paths.end()) {
            const bool listed = std::find(config.qa_checks.begin(), config.qa_checks.end(),
                                          check) != config.qa_checks.end();
            out.push_back({check, listed ? "qa.checks" : "qa.required"});
        } else if (auto why = touched(paths->second, scope, changed, changes); !why.empty()) {
            out.push_back({check, why});
        }
    }
    return out;
}

void apply_verdicts(const std::map<std::string, NewestVerdict>& newest, std::uint64_t newest_retry,
                    const std::vector<RequiredCheck>& required, std::int64_t retry_on_failure,
                    WorkerStatus& w) {
    const QaVerdict unjudged =
        w.state == WorkerState::complete ? QaVerdict::pending : QaVerdict::none;
    auto on_tip = [&](const std::string& check) -> const NewestVerdict* {
        auto it = newest.find(check);
        return it != newest.end() && it->second.event.commit == w.last_commit.id ? &it->second
                                                                                 : nullptr;
    };
    auto status_of = [&](const std::string& check) {
        CheckStatus c{check, unjudged, {}, false, {}};
        if (const NewestVerdict* v = on_tip(check)) {
            c.verdict = v->event.verdict;
            if (c.verdict == QaVerdict::rejected || c.verdict == QaVerdict::blocked)
                c.reason = v->event.reason;
        }
        return c;
    };
    w.checks.clear();
    for (const auto& r : required) {
        w.checks.push_back(status_of(r.check));
        w.checks.back().required = true;
        w.checks.back().required_by = r.by;
    }
    for (const auto& entry : newest) {
        // a named variable, not a structured binding: clang 14 cannot capture those
        const std::string& check = entry.first;
        if (on_tip(check) && std::none_of(w.checks.begin(), w.checks.end(),
                                          [&](const CheckStatus& c) { return c.check == check; }))
            w.checks.push_back(status_of(check));
    }
    const CheckStatus qa = status_of(std::string(config::default_check));
    w.qa = qa.verdict;
    w.qa_reason = qa.reason;
    w.failure.reset();
    if (w.attempts < retry_on_failure)
        return;
    for (const auto& c : w.checks)
        if (c.verdict == QaVerdict::rejected && on_tip(c.check)->lamport > newest_retry) {
            w.failure = Failure{c.check, c.reason, w.attempts, retry_on_failure};
            return;
        }
}

std::string check_label(std::string_view check) {
    return check == config::default_check ? "QA" : std::string(check);
}

std::string check_option(std::string_view check) {
    return check == config::default_check ? "" : " --check " + std::string(check);
}

std::string judge_commands(const std::string& worker, std::string_view check) {
    const std::string tail = " " + worker + check_option(check);
    return "git porch qa approve" + tail + ", or git porch qa reject" + tail +
           " -m \"<what to fix>\"";
}

std::vector<const CheckStatus*> holding_checks(const WorkerStatus& w) {
    std::vector<const CheckStatus*> out;
    for (const auto& c : w.checks)
        if (c.verdict == QaVerdict::rejected || c.verdict == QaVerdict::blocked ||
            (c.required && c.verdict != QaVerdict::approved))
            out.push_back(&c);
    return out;
}

std::string failure_summary(const WorkerStatus& w) {
    if (!w.failure)
        return {};
    const Failure& f = *w.failure;
    return check_label(f.check) + " rejected it after " +
           util::plural(static_cast<std::size_t>(f.attempts), "attempt") +
           " (parallelization.retry_on_failure = " + std::to_string(f.allowed) + ")" +
           (f.reason.empty() ? "" : ": " + f.reason);
}

std::string failure_action(const WorkerStatus& w) {
    const std::string where = w.worktree ? *w.worktree : w.branch;
    const std::int64_t allowed = w.failure ? w.failure->allowed : 0;
    return "report it to the user (git porch handoff lists it); or fix it by hand in " + where +
           " and commit [COMPLETE] again (QA judges the new commit); or raise retry_on_failure "
           "under [parallelization] in .porch.toml above " +
           std::to_string(allowed) + ", then run: git porch retry " + w.worker;
}

} // namespace porch::model
