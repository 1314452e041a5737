#include "workers/record.hpp"

#include "protocol/message.hpp"

namespace porch::workers {

namespace {

std::string_view kind_name(protocol::Kind kind) {
    switch (kind) {
    case protocol::Kind::protocol: return "protocol";
    case protocol::Kind::merge: return "merge";
    case protocol::Kind::revert: return "revert";
    case protocol::Kind::fixup: return "fixup";
    case protocol::Kind::empty: return "empty";
    case protocol::Kind::invalid: return "invalid";
    }
    return "invalid";
}

// Cuts at a UTF-8 boundary.
std::string bounded(const std::string& text, std::size_t limit) {
    if (text.size() <= limit)
        return text;
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80)
        --cut;
    return text.substr(0, cut);
}

} // namespace

std::size_t ahead_after(const git::Repo& repo, const git::Commit& commit,
                        const std::unordered_map<std::string, std::size_t>& known,
                        const std::optional<git::Oid>& base) {
    // Far enough to bridge a few unrecorded commits, short enough that a long unrecorded run
    // costs no more than the count from the base.
    constexpr std::size_t max_steps = 32;
    std::size_t steps = 1;
    const git::Commit* at = &commit;
    std::optional<git::Commit> step;
    while (at->parent_count == 1 && steps <= max_steps) {
        if (auto it = known.find(at->first_parent->hex()); it != known.end())
            return it->second + steps;
        step = repo.commit(*at->first_parent);
        at = &*step;
        ++steps;
    }
    if (!base)
        return commit.parent_count == 0 ? 1 : 0;
    return repo.count_ahead(commit.id, *base);
}

store::Event commit_event(const std::string& worker, const git::Commit& commit,
                          const std::string& source) {
    auto msg = protocol::classify_subject(commit.subject());
    if (commit.parent_count > 1 && msg.kind != protocol::Kind::protocol)
        msg.kind = protocol::Kind::merge; // a merge commit, whatever its subject says
    store::Event e;
    e.type = "commit";
    e.worker = worker;
    e.fields["commit"] = commit.id.hex();
    if (commit.first_parent)
        e.fields["parent"] = commit.first_parent->hex();
    e.fields["kind"] = std::string(kind_name(msg.kind));
    // Whether the message obeys the protocol: false means it got past commit-msg (--no-verify,
    // hooks not installed, a rebase pick) with a subject the protocol rejects.
    e.fields["valid"] = msg.kind == protocol::Kind::invalid || msg.kind == protocol::Kind::empty
                            ? "false"
                            : "true";
    e.fields["source"] = source;
    e.fields["subject"] = bounded(commit.subject(), max_recorded_subject);
    e.fields["commit_time"] = std::to_string(commit.time);
    if (msg.kind == protocol::Kind::protocol) {
        e.fields["state"] = std::string(protocol::to_string(msg.status));
        if (msg.status == protocol::Status::blocked)
            e.fields["reason"] = bounded(msg.reason, max_recorded_subject);
        if (msg.status == protocol::Status::needs) {
            e.fields["needs_worker"] = msg.needs_worker;
            e.fields["needs_item"] = bounded(msg.needs_item, max_recorded_subject);
        }
    }
    return e;
}

} // namespace porch::workers
