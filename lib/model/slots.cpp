#include "model/slots.hpp"

#include "git/repo.hpp"
#include "model/store.hpp"
#include "util/regex.hpp"

#include <algorithm>

namespace porch::pool {

namespace fs = std::filesystem;

namespace {

const util::Regex& slot_name_pattern() {
    static const util::Regex re("wt-([1-9][0-9]{0,3})");
    return re;
}

} // namespace

// Slots live beside worker worktrees: in the first folder of the worktree template.
fs::path pool_dir(const model::Context& ctx) {
    return fs::path(*ctx.root) / slot_folder(ctx.worktree_template);
}

std::string branch_of(const git::Worktree& wt) {
    auto branch = wt.branch();
    return branch ? branch->str() : std::string();
}

std::string_view to_string(SlotState state) {
    switch (state) {
    case SlotState::idle:
        return "idle";
    case SlotState::busy:
        return "busy";
    case SlotState::broken:
        return "broken";
    }
    return "broken";
}

std::vector<Slot> list(const model::Context& ctx) {
    std::vector<Slot> slots;
    if (!ctx.root)
        return slots;
    const fs::path dir = pool_dir(ctx);
    for (const auto& wt : ctx.repo.worktrees()) {
        fs::path p(wt.path);
        if (wt.is_main || p.parent_path() != dir)
            continue;
        auto m = slot_name_pattern().match(p.filename().string());
        if (!m)
            continue;
        Slot s;
        s.number = std::stoi((*m)[1]);
        s.name = p.filename().string();
        s.path = wt.path;
        s.admin_name = wt.name;
        s.branch = branch_of(wt);
        s.worker = claimed_worker(ctx.repo, s.name);
        if (wt.missing) {
            s.state = SlotState::broken;
            s.problem = "its folder is missing";
        } else if (s.worker) {
            auto parts = ctx.branch_template.match(s.branch);
            bool on_worker_branch = parts && protocol::worker_name(parts->id) == *s.worker;
            s.state = on_worker_branch ? SlotState::busy : SlotState::broken;
            if (!on_worker_branch)
                s.problem = "claimed by " + *s.worker + " but " +
                            (s.branch.empty() ? "detached" : "on '" + s.branch + "'");
        } else if (!s.branch.empty()) {
            s.state = SlotState::broken;
            s.problem = "has '" + s.branch + "' checked out without a claim";
        }
        if (!wt.missing && !s.branch.empty())
            if (auto tip = ctx.repo.ref_target(git::branch_ref(s.branch)))
                s.last_commit_time = ctx.repo.commit(*tip).time;
        slots.push_back(std::move(s));
    }
    std::sort(slots.begin(), slots.end(),
              [](const Slot& a, const Slot& b) { return a.number < b.number; });
    return slots;
}

std::optional<std::string> claimed_worker(const git::Repo& repo, const std::string& slot) {
    auto target = repo.ref_target(claim_ref(slot));
    if (!target)
        return std::nullopt;
    auto content = repo.read_blob(*target);
    const std::string prefix = "porch worker ";
    if (!content || !content->starts_with(prefix) || content->back() != '\n')
        return std::string("?");
    return content->substr(prefix.size(), content->size() - prefix.size() - 1);
}

bool is_slot_name(std::string_view name) {
    return slot_name_pattern().match(name).has_value();
}

} // namespace porch::pool
