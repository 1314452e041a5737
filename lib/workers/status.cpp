#include "workers/status.hpp"

#include "error.hpp"
#include "protocol/message.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <map>

namespace porch::workers {

namespace {

// A worker branch merged into the base has nothing "ahead"; its state still comes from its own
// history, so the walk is bounded instead of hidden by the base.
constexpr std::size_t max_walk_without_base = 1000;

void apply_protocol(const protocol::Message& msg, WorkerStatus& w) {
    w.state = std::string(protocol::to_string(msg.status));
    if (msg.status == protocol::Status::blocked)
        w.reason = msg.reason;
    if (msg.status == protocol::Status::needs)
        w.needs.push_back({msg.needs_worker, msg.needs_item});
}

} // namespace

bool worker_id_less(const std::string& a, const std::string& b) {
    auto numeric = [](const std::string& s) {
        return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    bool na = numeric(a), nb = numeric(b);
    if (na && nb)
        return a.size() != b.size() ? a.size() < b.size() : a < b;
    if (na != nb)
        return na; // numbers first
    return a < b;
}

StatusReport collect_status(const Context& ctx, const std::string& only) {
    StatusReport report;
    report.base_branch = ctx.base_branch();
    std::optional<git::Oid> base = ctx.repo.resolve_commit("refs/heads/" + report.base_branch);

    std::map<std::string, git::Worktree> by_branch;
    for (auto& wt : ctx.repo.worktrees())
        if (wt.head)
            by_branch.emplace(*wt.head, std::move(wt));

    for (const auto& ref : ctx.repo.refs(ctx.branch_ref_prefix())) {
        std::string branch = ref.name.substr(11);
        auto parts = ctx.branch_template.match(branch);
        if (!parts)
            continue; // shares the prefix but is not a worker branch
        WorkerStatus w;
        w.id = parts->id;
        w.desc = parts->desc;
        w.worker = protocol::worker_name(parts->id);
        if (!only.empty() && w.worker != only)
            continue;
        w.branch = branch;
        if (auto it = by_branch.find(ref.name); it != by_branch.end()) {
            w.worktree = it->second.path;
            w.worktree_missing = it->second.missing;
        }

        std::optional<git::Oid> hide;
        for (const auto& e : store::read(ctx.repo, w.worker)) {
            if (e.type != "spawned")
                continue;
            w.scope = e.lists.count("scope") ? e.lists.at("scope") : std::vector<std::string>{};
            w.declared_needs =
                e.lists.count("needs") ? e.lists.at("needs") : std::vector<std::string>{};
            hide = git::Oid::from_hex(e.field("base"));
        }
        if (base && !ctx.repo.is_ancestor(ref.target, *base)) {
            w.commits_ahead = ctx.repo.count_ahead(ref.target, *base);
            if (!hide)
                hide = base;
        }
        if (hide && !ctx.repo.resolve_commit(hide->hex()))
            hide.reset(); // the recorded base is gone (e.g. a shallow or pruned clone)

        git::Commit tip = ctx.repo.commit(ref.target);
        w.last_commit = {tip.id.hex(), tip.subject(), tip.time};
        std::size_t walked = 0;
        ctx.repo.walk(ref.target, hide, [&](const git::Commit& c) {
            auto msg = protocol::classify_subject(c.subject());
            if (msg.kind == protocol::Kind::protocol) {
                apply_protocol(msg, w);
                return false;
            }
            return hide.has_value() || ++walked < max_walk_without_base;
        });
        report.workers.push_back(std::move(w));
    }
    std::sort(report.workers.begin(), report.workers.end(),
              [](const WorkerStatus& a, const WorkerStatus& b) { return worker_id_less(a.id, b.id); });
    return report;
}

} // namespace porch::workers
