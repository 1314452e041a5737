#include "ops/prompts/resume.hpp"

#include "model/events.hpp"
#include "model/message.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "ops/prompts/kickoff.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace porch::prompts {

namespace {

// A plan checkpoint counts as done when a checkpoint commit's text mentions it: workers word
// their subjects themselves, so equality would be too strict.
bool mentioned(const std::string& checkpoint, const std::vector<std::string>& texts) {
    std::string want = util::to_lower(checkpoint);
    while (!want.empty() && (want.back() == '.' || want.back() == ' '))
        want.pop_back();
    return std::any_of(texts.begin(), texts.end(), [&](const std::string& t) {
        return util::to_lower(t).find(want) != std::string::npos;
    });
}

} // namespace

Progress load_progress(const model::Context& ctx, const model::StatusReport& report,
                       const model::WorkerStatus& worker, const Assignment& a) {
    Progress p;
    std::vector<std::string> texts; // what follows the tag, for matching plan checkpoints
    std::set<std::string> seen;
    for (const auto& e : store::read_all(ctx.repo, worker.worker)) {
        if (model::type_of(e) != model::EventType::commit)
            continue;
        auto commit = model::CommitEvent::decode(e);
        std::string subject = clean_text(commit.subject);
        if (!subject.empty())
            p.last_commit = subject;
        // A rebase records the same checkpoint again under a new id: list it once.
        if (commit.state != model::WorkerState::checkpoint || !seen.insert(subject).second)
            continue;
        p.completed.push_back(subject);
        texts.push_back(protocol::classify_subject(subject).text);
    }

    if (worker.state != model::WorkerState::complete)
        for (const auto& c : a.checkpoints)
            if (!mentioned(c, texts))
                p.remaining.push_back(c);

    p.agent = worker.agent;
    if (worker.state == model::WorkerState::blocked)
        p.waiting.push_back({"blocked", clean_text(worker.reason), {}, {}, false, {}, {}});
    for (const auto& n : worker.needs) {
        Waiting w{"needs", {}, n.worker, clean_text(n.item), false, {}, {}};
        const model::WorkerStatus* needed = model::find_worker(report, n.worker);
        const model::NeedMet met = model::need_met(ctx.repo, worker, n, needed);
        if (met == model::NeedMet::merged) {
            w.available = true;
            w.how = "is merged into your branch already";
        } else if (met != model::NeedMet::unmet) {
            w.available = true;
            w.how = met == model::NeedMet::complete ? "is complete" : "has committed it";
            w.pick = pick_command(a, *needed);
        } else if (needed) {
            w.how = "is " + to_string(needed->state);
        } else {
            w.how = "is not spawned";
        }
        p.waiting.push_back(std::move(w));
    }
    return p;
}

namespace {

// How the previous session ended, as far as its agent's hooks told (else it crashed).
std::string previous_session(const Progress& p, bool before_first_commit) {
    const std::string first = before_first_commit ? " before its first commit" : "";
    if (!p.agent)
        return "Previous session crashed" + first + ".";
    const std::string at = util::format_iso8601_utc(p.agent->since);
    switch (p.agent->state) {
    case model::AgentState::stopped:
        return "Previous session stopped at " + at + first + ", before [COMPLETE].";
    case model::AgentState::waiting:
        return "Previous session waited for input from " + at + first + ".";
    case model::AgentState::started:
    case model::AgentState::working:
        break;
    }
    return "Previous session crashed" + first + "; its last sign of life was at " +
           util::format_iso8601_utc(p.agent->last) + ".";
}

// The title and first line: why this session starts, from the most pressing reason.
std::string heading(const Assignment& a, const Progress& p) {
    const std::string name = a.worker + "-" + a.desc;
    bool unblocked = std::any_of(p.waiting.begin(), p.waiting.end(),
                                 [](const Waiting& w) { return w.available; });
    if (a.rejection)
        return "# Fix QA Rejection: " + name +
               "\n\nQA rejected your work. Fix what it found first, then continue.\n\n";
    if (unblocked)
        return "# Resume Work: " + name + "\n\nThe item you needed is now available.\n\n";
    if (a.state == model::WorkerState::blocked)
        return "# Resume Work: " + name +
               "\n\nYou stopped because you were blocked. Check whether the blocker is "
               "resolved.\n\n";
    const bool nothing = p.completed.empty() && p.last_commit.empty();
    return "# Continue Work: " + name + "\n\n" + previous_session(p, nothing) +
           (nothing ? " Start from the beginning.\n\n" : " Resume from last checkpoint.\n\n");
}

std::string waiting_line(const Waiting& w) {
    if (w.kind == "blocked")
        return "- You committed `[BLOCKED:" + w.reason +
               "]`. If that is resolved, continue; if not, run `" +
               report_command("[BLOCKED:" + w.reason + "] <what is still missing>") +
               "` again and stop.\n";
    std::string out = "- " + w.item + " from " + w.worker + ": ";
    if (w.available && w.pick.empty())
        return out + "available now (" + w.worker + " " + w.how + "). Continue with it.\n";
    if (w.available)
        return out + "available now (" + w.worker + " " + w.how + "). Pick it up with `" + w.pick +
               "`, then continue.\n";
    return out + "not available yet (" + w.worker + " " + w.how +
           "). Continue with tasks that do not need it.\n";
}

std::string waiting_section(const Progress& p) {
    if (p.waiting.empty())
        return {};
    std::string out = "## What You Were Waiting For\n\n";
    for (const auto& w : p.waiting)
        out += waiting_line(w);
    return out + "\n";
}

// What git log says is done, and what is left to commit.
std::string progress_section(const Assignment& a, const Progress& p) {
    std::string out = "## Completed (from git log)\n\n";
    if (p.completed.empty())
        out += "- Nothing yet\n";
    for (const auto& c : p.completed)
        out += "- " + c + "\n";
    out += "\n## Remaining\n\n";
    if (!p.remaining.empty()) {
        for (const auto& r : p.remaining)
            out += checkpoint_line(a, r);
        out += complete_line(a);
    } else if (a.checkpoints.empty()) {
        out += "- Whatever of your task the completed checkpoints do not cover, then:\n";
        out += complete_line(a);
    } else {
        out += "- Every planned checkpoint is committed: finish the task, then:\n";
        out += complete_line(a);
    }
    if (!a.verify.empty())
        out += "\n" + verify_commands(a);
    return out + "\n";
}

} // namespace

std::string resume_prompt(const Assignment& a, const Progress& p) {
    std::string out = heading(a, p);
    out += "You are Worker " + a.id + " (" + a.worker +
           ") in a parallel workflow. Work ONLY within your assigned scope.\n\n";
    if (!a.description.empty() || !a.items.empty())
        out += "## Your Task\n\n" + (a.description.empty() ? "" : a.description + "\n\n") +
               checklist(a);
    out += worktree_section(a);
    out += relaunch_section(a);
    out += waiting_section(p);
    out += progress_section(a, p);
    out += scope_section(a);
    out += protocol_section(a);
    out += sharing_section(a);
    out += team_section(a);
    out += "## Start\n\n";
    if (a.elsewhere)
        out += "1. In your checkout of " + a.branch +
               " (or get it as Your Branch says), verify the branch: `git branch "
               "--show-current`\n";
    else
        out += "1. `cd " + a.worktree + "` and verify the branch: `git branch --show-current`\n";
    if (!a.remote.empty())
        out += "   Then bring in what was pushed meanwhile: `git pull --ff-only`\n";
    out += "2. Look at what the previous session left: `git status`, `git log --oneline -5`\n";
    int step = 3;
    for (const auto& d : a.needs)
        if (d.state == model::WorkerState::complete && !d.merged && !d.pick.empty())
            out += std::to_string(step++) + ". Merge " + d.worker + "'s finished work: `" + d.pick +
                   "`\n";
    if (a.remote.empty())
        out += std::to_string(step) + ". Continue from where the previous session left off\n";
    else
        out += std::to_string(step) +
               ". Continue from where the previous session left off, pushing after every "
               "protocol commit: `git push " +
               a.remote + " " + a.branch + "`\n";
    return out;
}

} // namespace porch::prompts
