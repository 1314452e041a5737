#include "model/owners.hpp"

#include "model/message.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace porch::model {

Owners::Owners(const git::Repo& repo, store::NoteSources notes, ListTips tips)
    : m_repo(&repo), m_notes(std::move(notes)), m_tips(std::move(tips)) {}

const Owners::Index& Owners::index() const {
    if (*m_index)
        return **m_index;
    Index& idx = m_index->emplace();
    if (!m_repo)
        return idx;
    std::map<std::string, std::optional<git::Oid>> bases;
    for (const auto& worker : store::registered_workers(*m_repo, m_notes)) {
        for (const auto& line : store::read_lines(*m_repo, m_notes, worker)) {
            std::string_view type, commit, subject, time, base;
            bool escaped = false;
            for (const auto& f : store::scan_fields(line)) {
                if (f.key == "type")
                    type = f.value;
                else if (f.key == "commit")
                    commit = f.value;
                else if (f.key == "subject") {
                    subject = f.value;
                    escaped = f.escaped;
                } else if (f.key == "commit_time")
                    time = f.value;
                else if (f.key == "base")
                    base = f.value;
            }
            if (type == "spawned") {
                bases[worker] = git::Oid::from_hex(base);
            } else if (type == "commit" && !commit.empty()) {
                idx.by_commit.emplace(std::string(commit), worker);
                auto t = util::parse_count(time);
                std::string text(subject);
                if (escaped)
                    if (auto e = store::from_line(line))
                        text = e->field("subject");
                if (t)
                    idx.by_subject.emplace(std::pair{text, static_cast<std::int64_t>(*t)}, worker);
            }
        }
    }
    if (m_tips)
        for (auto& t : m_tips()) {
            auto base = bases.find(t.worker);
            idx.branches.push_back({t.worker, t.tip, t.ref,
                                    base == bases.end() ? std::nullopt : base->second,
                                    m_repo->commit(t.tip).time});
        }
    return idx;
}

bool Owners::recorded_by_other(const std::string& hex, const std::string& worker) const {
    auto [from, to] = index().by_commit.equal_range(hex);
    return std::any_of(from, to, [&](const auto& entry) { return entry.second != worker; });
}

const Owners::Branch* Owners::other_branch_with(const git::Commit& commit,
                                                const std::string& worker) const {
    for (const auto& b : index().branches) {
        // A branch whose tip is older than the commit cannot hold it: most tips are passed
        // over without an ancestry walk.
        if (b.worker == worker || b.time < commit.time)
            continue;
        if (b.tip != commit.id && !m_repo->is_ancestor(commit.id, b.tip))
            continue;
        if (b.base && (*b.base == commit.id || m_repo->is_ancestor(commit.id, *b.base)))
            continue; // it was there before that worker started
        return &b;
    }
    return nullptr;
}

Ownership Owners::claim(const git::Commit& commit, const std::string& worker,
                        const git::RefName& ref) const {
    if (recorded_by_other(commit.id.hex(), worker))
        return Ownership::other;
    const Branch* other = other_branch_with(commit, worker);
    if (!other)
        return Ownership::own;
    if (m_repo->reflog_made(other->ref, commit.id))
        return Ownership::other;
    if (m_repo->reflog_made(ref, commit.id))
        return Ownership::own;
    return Ownership::unsure;
}

std::string Owners::copied_from(const git::Commit& commit, const std::string& worker,
                                const std::function<bool(const std::string&)>& own) const {
    if (auto original = protocol::picked_from(commit.message)) {
        if (own(*original))
            return {};
        auto [from, to] = index().by_commit.equal_range(*original);
        for (auto it = from; it != to; ++it)
            if (it->second != worker)
                return it->second;
        return "another branch"; // not ours, whoever made it
    }
    // A commit made here has its author's time as its commit time; only a copy (or an amend,
    // whose original is our own) differs.
    if (commit.author_time == commit.time || !m_repo)
        return {};
    auto [from, to] = index().by_subject.equal_range({commit.subject(), commit.author_time});
    for (auto it = from; it != to; ++it)
        if (it->second != worker)
            return it->second;
    return {};
}

bool Owners::any_worker_has(const git::Commit& commit) const {
    return index().by_commit.count(commit.id.hex()) > 0 || other_branch_with(commit, {});
}

} // namespace porch::model
