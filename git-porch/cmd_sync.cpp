// git porch sync [<remote>]: fetch teammates' events and the workers' branches, merge the events
// by line union, push ours, fast-forward the workers' branches that are behind the remote's.
#include "command.hpp"
#include "ops/sync/sync.hpp"
#include "render.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

using nlohmann::json;

json nullable(const std::string& text) {
    return text.empty() ? json(nullptr) : json(text);
}

json to_json(const sync::SyncResult& r) {
    json follows = json::array();
    for (const auto& f : r.follows)
        follows.push_back({{"worker", f.worker},
                           {"branch", f.branch},
                           {"remote_branch", f.remote_branch},
                           {"result", to_string(f.result)},
                           {"from", f.from.hex()},
                           {"to", f.to.hex()},
                           {"ahead", f.ahead},
                           {"behind", f.behind},
                           {"worktree", f.worktree ? json(*f.worktree) : json(nullptr)},
                           {"reason", nullable(f.reason)},
                           {"action", nullable(f.action)}});
    json branches = json::array();
    for (const auto& b : r.branches)
        branches.push_back({{"worker", b.worker},
                            {"branch", b.branch},
                            {"result", to_string(b.result)},
                            {"created", b.created},
                            {"ahead", b.ahead},
                            {"behind", b.behind},
                            {"upstream", nullable(b.upstream)},
                            {"reason", nullable(b.reason)},
                            {"action", nullable(b.action)}});
    json duplicates = json::array();
    for (const auto& d : r.duplicates)
        duplicates.push_back(
            {{"worker", d.worker}, {"message", d.advice.message}, {"action", d.advice.action}});
    return {{"remote", r.remote},
            {"changed", r.merged.changed},
            {"added", r.merged.added},
            {"skipped", r.merged.skipped()},
            {"malformed", r.merged.malformed},
            {"overriding", r.merged.overriding},
            {"pushed", r.pushed},
            {"rounds", r.rounds},
            {"fast_forwards", follows},
            {"branches", branches},
            {"duplicates", duplicates}};
}

void print_action(const std::string& action) {
    if (!action.empty())
        std::cout << "  \u2192 " << display(action) << '\n';
}

// One line per local branch the remote's copy moved past; a diverged branch that --branches
// reports is left to that report.
void print_follows(const sync::SyncResult& r) {
    for (const auto& f : r.follows) {
        const std::string b = display(f.branch), theirs = display(f.remote_branch);
        switch (f.result) {
        case sync::FollowResult::fast_forwarded:
            std::cout << "fast-forwarded " << b << " to " << theirs << " ("
                      << util::plural(f.behind, "commit") << ")\n";
            break;
        case sync::FollowResult::left:
            std::cout << "left " << b << ' ' << util::plural(f.behind, "commit") << " behind "
                      << theirs << ": " << display(f.reason) << '\n';
            break;
        case sync::FollowResult::failed:
            std::cout << "could not fast-forward " << b << " to " << theirs << ": "
                      << display(f.reason) << '\n';
            break;
        case sync::FollowResult::diverged:
            if (std::any_of(r.branches.begin(), r.branches.end(),
                            [&](const sync::BranchPush& p) { return p.branch == f.branch; }))
                continue;
            std::cout << b << " has diverged from " << theirs << " ("
                      << util::plural(f.ahead, "commit") << " here, "
                      << util::plural(f.behind, "commit") << " there): left alone\n";
            break;
        }
        if (f.result != sync::FollowResult::fast_forwarded)
            print_action(f.action);
    }
}

void print_branches(const sync::SyncResult& r) {
    for (const auto& p : r.branches) {
        std::cout << display(p.branch) << ": ";
        switch (p.result) {
        case sync::BranchResult::up_to_date:
            std::cout << "up to date on " << r.remote << '\n';
            continue;
        case sync::BranchResult::pushed:
            std::cout << "pushed to " << r.remote << " (" << util::plural(p.ahead, "commit")
                      << (p.created ? ", new there" : "") << ")\n";
            continue;
        case sync::BranchResult::behind:
            std::cout << "behind " << r.remote << '/' << display(p.branch) << " by "
                      << util::plural(p.behind, "commit") << ", not pushed\n";
            break;
        case sync::BranchResult::diverged:
        case sync::BranchResult::failed:
            std::cout << "not pushed: " << display(p.reason) << '\n';
            break;
        }
        // A branch left behind already has its action under the fast-forward report.
        bool told = std::any_of(r.follows.begin(), r.follows.end(), [&](const sync::Follow& f) {
            return f.branch == p.branch && f.result != sync::FollowResult::diverged;
        });
        if (!told)
            print_action(p.action);
    }
}

void print_text(const sync::SyncResult& r, bool push) {
    std::cout << (r.merged.added == 0
                      ? "no new events from " + r.remote
                      : util::plural(r.merged.added, "new event line") + " from " + r.remote)
              << (r.pushed && push ? "; " + r.remote + " has ours" : "") << '\n';
    print_follows(r);
    print_branches(r);
    for (const auto& d : r.duplicates)
        std::cout << display(d.advice.message) << '\n'
                  << "  \u2192 " << display(d.advice.action) << '\n';
}

// One line, whatever was skipped: lines that are not valid events are malformed; valid ones
// that would override this clone's own records are dropped for that reason, and said so.
void warn_skipped(const sync::MergeOutcome& m, const std::string& remote) {
    if (m.skipped() == 0)
        return;
    std::cerr << "warning: skipped ";
    if (m.malformed > 0)
        std::cerr << m.malformed << " malformed, oversized or misplaced event line(s) or note(s)"
                  << (m.overriding > 0 ? " and " : "");
    if (m.overriding > 0)
        std::cerr << m.overriding
                  << " event line(s) that would override what this clone recorded (an event id,"
                     " a spawn of its branch or a record of its commit)";
    std::cerr << " from " << remote << '\n';
}

class Sync : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("remote", m_options.remote,
                       "The remote (default: porch.remote, the base branch's upstream, origin)");
        app.add_flag("--no-push", m_no_push, "Fetch and merge only");
        app.add_flag("--branches", m_options.branches, "Also push this clone's workers' branches");
        app.add_flag("--json", m_json, "Print JSON");
    }

    int run(Env& env) override {
        m_options.push = !m_no_push;
        auto r = sync::sync(*env.ctx, m_options);
        if (m_json)
            std::cout << to_json(r).dump(2) << '\n';
        else
            print_text(r, m_options.push);
        warn_skipped(r.merged, r.remote);
        if (r.branches_ok())
            return 0;
        std::vector<std::string> refused;
        for (const auto& b : r.branches)
            if (!b.ok())
                refused.push_back(display(b.branch));
        std::cerr << "error: not pushed to " << r.remote << ": " << util::join(refused, ", ")
                  << '\n';
        return exit_refused;
    }

private:
    sync::SyncOptions m_options;
    bool m_no_push = false;
    bool m_json = false;
};

} // namespace

std::unique_ptr<Command> make_sync() {
    return std::make_unique<Sync>();
}

} // namespace porch::cli
