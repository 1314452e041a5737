// Whose commit is whose, across workers. git's own tools bring one worker's commits onto another's
// branch (a fast-forward merge, pull --rebase, a rebase onto a base that has them, a
// cherry-pick); a protocol commit counts only for the worker it was made for. The worker view
// asks this only about commits its own notes do not explain, so everything here is read on the
// first question, once per report.
#pragma once

#include "git/repo.hpp"
#include "model/store.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace porch::model {

// A worker's branch tip, as the view lists them.
struct OwnerTip {
    std::string worker; // task-<id>
    git::Oid tip;
    git::RefName ref; // the branch it is read from
};

// Whether a commit on a worker's branch is that worker's own.
enum class Ownership {
    own,    // recorded by its hooks, or on no other worker's branch
    other,  // another worker recorded it, or the base had it
    unsure, // another worker's branch has it too, and no one recorded it
};

class Owners {
public:
    using ListTips = std::function<std::vector<OwnerTip>()>;
    Owners() = default;
    Owners(const git::Repo& repo, store::NoteSources notes, ListTips tips);

    // Who `commit` belongs to, seen from `worker` (on `ref`), whose own notes do not record it.
    // Between two branches that have it and no note, the one whose reflog shows it committed
    // there made it.
    Ownership claim(const git::Commit& commit, const std::string& worker,
                    const git::RefName& ref) const;
    // The other worker whose recorded commit `commit` copies, else empty: a cherry-pick (its -x
    // line names the original) or a rebase of another's commit keeps the subject and the
    // author's time. `own` says whether `worker` itself recorded a commit (hex).
    std::string copied_from(const git::Commit& commit, const std::string& worker,
                            const std::function<bool(const std::string&)>& own) const;
    // Whether some worker recorded `commit`, or has it on its branch past where it started.
    bool any_worker_has(const git::Commit& commit) const;

private:
    struct Branch {
        std::string worker;
        git::Oid tip;
        git::RefName ref;
        std::optional<git::Oid> base; // where it started, when recorded
        std::int64_t time = 0;        // of the tip
    };
    struct Index {
        std::unordered_multimap<std::string, std::string> by_commit; // hex -> worker
        // (subject, commit time) -> worker: what a copy keeps of its original.
        std::multimap<std::pair<std::string, std::int64_t>, std::string> by_subject;
        std::vector<Branch> branches;
    };

    const git::Repo* m_repo = nullptr;
    store::NoteSources m_notes;
    ListTips m_tips;
    // Shared by the copies of one report's view base.
    std::shared_ptr<std::optional<Index>> m_index = std::make_shared<std::optional<Index>>();

    const Index& index() const;
    bool recorded_by_other(const std::string& hex, const std::string& worker) const;
    // The first other worker's branch that has `commit` past where that worker started.
    const Branch* other_branch_with(const git::Commit& commit, const std::string& worker) const;
};

} // namespace porch::model
