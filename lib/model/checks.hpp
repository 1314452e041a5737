// QA's checks: which ones .porch.toml requires of a worker before integration, what each one's
// newest verdict says of its tip, and when a worker has failed (rejected again after
// parallelization.retry_on_failure attempts). One wording of a failure for status's alert,
// integrate, retry and handoff.
#pragma once

#include "model/config.hpp"
#include "model/events.hpp"
#include "model/worker.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace porch::model {

struct RequiredCheck {
    std::string check;
    std::string by; // why: "qa.required", "qa.checks", "qa.paths: it changed web/app.tsx"
};

// The checks .porch.toml requires of a worker with this scope: those of qa.checks (and "qa" with
// qa.required); one named in [qa.paths] only when the scope overlaps one of its paths, or when
// `changed` (the files its branch changed; asked only when the scope does not decide) has a file
// in one. An empty scope (any file) decides nothing.
std::vector<RequiredCheck>
required_checks(const config::Config& config, const std::vector<std::string>& scope,
                const std::function<std::vector<std::string>()>& changed);

// A check's newest verdict, with its clock in the worker's note.
struct NewestVerdict {
    QaEvent event;
    std::uint64_t lamport = 0;
};

// Sets w.qa, w.qa_reason, w.checks and w.failure from the newest verdict of each check, the clock
// of the newest retry (0: none) and the required checks; w.state, w.last_commit and w.attempts
// must be set. A verdict holds for the commit it judged; a complete worker without one on its tip
// is pending. It has failed when it has used up its attempts (attempts >= retry_on_failure) and a
// check rejected its tip after its newest retry.
void apply_verdicts(const std::map<std::string, NewestVerdict>& newest, std::uint64_t newest_retry,
                    const std::vector<RequiredCheck>& required, std::int64_t retry_on_failure,
                    WorkerStatus& w);

// How messages name a check: "QA" for QA's own, else its name.
std::string check_label(std::string_view check);
// " --check e2e" for a check other than QA's: what the commands that judge it add.
std::string check_option(std::string_view check);

// "git porch qa approve task-1 --check e2e, or git porch qa reject task-1 --check e2e -m
// \"<what to fix>\"": the commands that judge a check.
std::string judge_commands(const std::string& worker, std::string_view check);

// The checks that keep the worker out of an integration: rejected or blocked ones, and required
// ones not approved on its tip.
std::vector<const CheckStatus*> holding_checks(const WorkerStatus& w);

// What failed a failed worker: "QA rejected it after 2 attempts
// (parallelization.retry_on_failure = 2): <reason>".
std::string failure_summary(const WorkerStatus& w);
// What to do about a failed worker; ends in a command.
std::string failure_action(const WorkerStatus& w);

} // namespace porch::model
