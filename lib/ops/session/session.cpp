#include "ops/session/session.hpp"

#include "model/checks.hpp"
#include "model/events.hpp"
#include "model/naming.hpp"
#include "model/plan.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <set>

namespace porch::ops {

using namespace model;

namespace {

const std::string session(store::session_worker);
// An event is one line of at most store::max_event_line bytes: long lists are cut.
constexpr std::size_t max_listed = 100;
constexpr std::size_t max_summary = 1000;

std::vector<std::string> capped(std::vector<std::string> items) {
    if (items.size() > max_listed) {
        std::size_t more = items.size() - max_listed + 1;
        items.resize(max_listed - 1);
        items.push_back("... and " + std::to_string(more) + " more");
    }
    return items;
}

Checkpoint from_event(const store::Event& e) {
    auto event = CheckpointEvent::decode(e);
    return {event.group, event.summary, e.time, event.by, event.complete, event.open};
}

std::string describe(const WorkerStatus& w) {
    std::string text = w.worker + " (" + to_string(w.state);
    if (w.state == model::WorkerState::blocked && !w.reason.empty())
        text += ": " + w.reason;
    for (const auto& n : w.needs)
        text += ": needs " + n.worker + "/" + n.item;
    if (w.qa != model::QaVerdict::none && w.qa != model::QaVerdict::pending)
        text += ", QA " + to_string(w.qa);
    return text + ")";
}

} // namespace

Checkpoint write_checkpoint(Context& ctx, const std::string& group, const std::string& summary) {
    if (group.empty() || group.size() > 64 || !std::all_of(group.begin(), group.end(), [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' ||
                   ch == '.';
        }))
        throw Error(ErrorKind::invalid, "bad group name " + protocol::quote(group),
                    "use letters, digits, '_', '-' and '.', e.g. GROUP_2 or POST_GROUP_2");
    if (summary.size() > max_summary)
        throw Error(ErrorKind::invalid,
                    "the summary is longer than " + std::to_string(max_summary) + " bytes",
                    "keep it to what the next session must know");
    if (summary.empty())
        throw Error(ErrorKind::invalid, "a checkpoint needs a summary",
                    "say what the session did: git porch checkpoint write " + group +
                        " \"<summary>\"");
    CheckpointEvent e{group, summary, store::clone_name(ctx.repo), {}, {}};
    for (const auto& w : collect_status(ctx).workers)
        (w.state == WorkerState::complete ? e.complete : e.open).push_back(w.worker);
    e.complete = capped(e.complete);
    e.open = capped(e.open);
    return from_event(store::append(ctx.repo, e.encode(session)));
}

std::vector<Checkpoint> read_checkpoints(const Context& ctx, std::size_t limit) {
    std::vector<Checkpoint> out;
    auto events = store::read_all(ctx.repo, session);
    for (auto it = events.rbegin(); it != events.rend() && (limit == 0 || out.size() < limit); ++it)
        if (it->type == "checkpoint")
            out.push_back(from_event(*it));
    return out;
}

Handoff write_handoff(Context& ctx) {
    Handoff h;
    if (auto newest = read_checkpoints(ctx, 1); !newest.empty())
        h.checkpoint = newest.front();
    auto report = collect_status(ctx);
    std::set<std::string> known, complete;
    std::vector<std::string> open_names;
    for (const auto& w : report.workers) {
        known.insert(w.id);
        if (w.failure)
            h.failed.push_back(w.worker + " (" + failure_summary(w) + ")");
        if (w.state == model::WorkerState::complete)
            complete.insert(w.id);
        else {
            h.open.push_back(describe(w));
            open_names.push_back(w.worker);
        }
    }
    if (ctx.root)
        if (auto plan = plan::load(*ctx.root))
            for (const auto& t : plan->tasks)
                if (!known.count(t.id) &&
                    std::all_of(t.needs.begin(), t.needs.end(),
                                [&](const std::string& n) { return complete.count(n) > 0; }))
                    h.ready.push_back("task-" + t.id + " (" + t.desc + ")");
    if (!ctx.repo.remotes().empty()) // sync shares through a remote; without one it has none
        h.next_steps.push_back("git porch sync");
    h.next_steps.push_back("git porch checkpoint read");
    h.next_steps.push_back("git porch status");
    if (!h.ready.empty())
        h.next_steps.push_back("git porch plan apply");
    for (const auto& w : report.workers)
        if (w.state == model::WorkerState::blocked || w.state == model::WorkerState::needs ||
            (!w.failure && std::any_of(w.checks.begin(), w.checks.end(), [](const auto& c) {
                return c.verdict == model::QaVerdict::rejected;
            })))
            h.next_steps.push_back("git porch resume " + w.worker);

    std::string& t = h.text;
    t += "# Handoff: continue the parallel work\n\n";
    if (h.checkpoint)
        t += "Last checkpoint: " + h.checkpoint->group + " by " + h.checkpoint->by + ": " +
             h.checkpoint->summary + "\n\n";
    else
        t += "No checkpoint was written yet.\n\n";
    t += "## Open workers\n";
    if (h.open.empty())
        t += "- none\n";
    for (const auto& o : h.open)
        t += "- " + o + "\n";
    t += "\n## Ready to start\n";
    if (h.ready.empty())
        t += "- none\n";
    for (const auto& r : h.ready)
        t += "- " + r + "\n";
    if (!h.failed.empty()) {
        t += "\n## Failed: report these to the user\n";
        for (const auto& f : h.failed)
            t += "- " + f + "\n";
    }
    t += "\n## Next steps\n";
    for (const auto& s : h.next_steps)
        t += "- " + s + "\n";

    HandoffEvent e{store::clone_name(ctx.repo),
                   h.checkpoint ? h.checkpoint->group : "",
                   capped(open_names),
                   {}};
    for (const auto& r : h.ready)
        e.ready.push_back(r.substr(0, r.find(' ')));
    e.ready = capped(e.ready);
    store::append(ctx.repo, e.encode(session));
    return h;
}

} // namespace porch::ops
