#include "model/message.hpp"

#include "util/regex.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace porch::protocol {

namespace {

constexpr std::string_view scissors = " ------------------------ >8 ------------------------";

constexpr std::string_view example_checkpoint = "[CHECKPOINT] Add user model with validation";
constexpr std::string_view example_blocked = "[BLOCKED:missing-api-spec] Need endpoint definitions";
constexpr std::string_view example_needs =
    "[NEEDS:task-2/UserModel] Require User model for relations";
constexpr std::string_view example_complete = "[COMPLETE] Analytics API endpoints implemented";

// The shape of any bracketed tag at the start of a subject; the name is checked separately so
// the error can say what exactly is wrong.
const util::Regex& tag_pattern() {
    static const util::Regex re(R"(\[([A-Za-z_-]*)(?::([^\]]*))?\](.*))");
    return re;
}

const util::Regex& needs_pattern() {
    static const util::Regex re(R"(task-([a-z0-9]{1,32})/(.+))");
    return re;
}

const util::Regex& merge_pattern() {
    // git's own merge subjects (fmt-merge-msg, pull, GitHub/GitLab) and porch's integration ones.
    static const util::Regex re(
        R"(Merge (branch(es)? |remote-tracking branch(es)? |tags? |commits? |pull request |)"
        R"(task-[a-z0-9]{1,32}: |'|"|[a-z]+://|[^ ]+ into ).*)");
    return re;
}

const util::Regex& any_tag_pattern() {
    static const util::Regex re(R"(\[(CHECKPOINT|BLOCKED(:[^\]]*)?|NEEDS(:[^\]]*)?|COMPLETE)\].*)");
    return re;
}

// C0 (but tab), DEL, C1, bidi controls, invalid UTF-8: whatever a terminal must not receive.
bool has_control(std::string_view s) {
    return util::sanitize_for_terminal(s) != s;
}

Message invalid(std::string subject, std::string error) {
    Message m;
    m.kind = Kind::invalid;
    m.subject = std::move(subject);
    m.error = std::move(error);
    return m;
}

std::string example_for(std::string_view tag) {
    std::string_view ex = tag == "BLOCKED"    ? example_blocked
                          : tag == "NEEDS"    ? example_needs
                          : tag == "COMPLETE" ? example_complete
                                              : example_checkpoint;
    return "; for example: " + std::string(ex);
}

} // namespace

std::string_view to_string(Status status) {
    switch (status) {
    case Status::checkpoint:
        return "checkpoint";
    case Status::blocked:
        return "blocked";
    case Status::needs:
        return "needs";
    case Status::complete:
        return "complete";
    }
    return "checkpoint";
}

std::string_view protocol_examples() {
    static const std::string text =
        std::string(example_checkpoint) + "\n" + std::string(example_blocked) + "\n" +
        std::string(example_needs) + "\n" + std::string(example_complete);
    return text;
}

namespace {

// Subjects that are not a worker's report: git's own (fixups, reverts, merges) and the empty one.
std::optional<Message> not_a_report(const std::string& subject) {
    Message m;
    m.subject = subject;
    if (subject.starts_with("fixup! ") || subject.starts_with("squash! ") ||
        subject.starts_with("amend! "))
        m.kind = Kind::fixup;
    else if (subject.starts_with("Revert \"") || subject.starts_with("Reapply \""))
        m.kind = Kind::revert;
    else if (subject.starts_with("Merge ") && merge_pattern().match(subject))
        m.kind = Kind::merge; // the pattern starts so: most subjects skip compiling it
    else if (subject.empty())
        m.kind = Kind::empty;
    else
        return std::nullopt;
    return m;
}

// Reads the tag's argument (none, a reason, or task-<id>/<item>) into `m`; returns what is wrong
// with it, if anything.
std::optional<std::string> read_argument(const std::string& name, bool has_arg,
                                         const std::string& arg, Message& m) {
    if (name == "CHECKPOINT" || name == "COMPLETE") {
        if (has_arg)
            return "[" + name + "] takes no ':' argument" + example_for(name);
        m.status = name == "CHECKPOINT" ? Status::checkpoint : Status::complete;
        return std::nullopt;
    }
    if (name == "BLOCKED") {
        std::string reason = util::trim(arg);
        if (!has_arg || reason.empty())
            return "[BLOCKED:<reason>] needs a reason" + example_for(name);
        m.status = Status::blocked;
        m.reason = reason;
        return std::nullopt;
    }
    std::string target = util::trim(arg);
    if (!has_arg || target.empty())
        return "[NEEDS:task-<id>/<item>] needs a worker and an item" + example_for(name);
    auto parts = needs_pattern().match(target);
    if (!parts || util::trim((*parts)[2]).empty())
        return "[NEEDS:" + target +
               "] must name a worker and an item as task-<id>/<item>, with <id> of 1 to 32 "
               "lowercase letters or digits" +
               example_for(name);
    m.status = Status::needs;
    m.needs_worker = "task-" + (*parts)[1];
    m.needs_item = util::trim((*parts)[2]);
    return std::nullopt;
}

} // namespace

Message classify_subject(std::string_view raw_subject) {
    std::string subject = util::trim_right(raw_subject);
    // Before anything else: a `Merge `, `fixup! ` or `Revert "` prefix must not let them through.
    if (has_control(subject))
        return invalid(subject, "the subject contains a control character or invalid UTF-8" +
                                    example_for("CHECKPOINT"));
    if (auto m = not_a_report(subject))
        return *m;
    auto groups = tag_pattern().match(subject);
    if (!groups)
        return invalid(subject, "the subject must start with a status tag: [CHECKPOINT], "
                                "[BLOCKED:<reason>], [NEEDS:task-<id>/<item>] or [COMPLETE]" +
                                    example_for("CHECKPOINT"));
    const std::string& name = (*groups)[1];
    const bool has_arg =
        subject.find(':') != std::string::npos && subject.find(':') < subject.find(']');
    const std::string& arg = (*groups)[2];
    std::string rest = (*groups)[3];

    std::string upper = util::to_upper(name);
    if (upper != "CHECKPOINT" && upper != "BLOCKED" && upper != "NEEDS" && upper != "COMPLETE")
        return invalid(subject, "unknown status tag [" + name +
                                    "]; use [CHECKPOINT], [BLOCKED:<reason>], "
                                    "[NEEDS:task-<id>/<item>] or [COMPLETE]" +
                                    example_for("CHECKPOINT"));
    if (upper != name)
        return invalid(subject,
                       "status tags are upper case: write [" + upper + "]" + example_for(upper));

    Message m;
    m.kind = Kind::protocol;
    m.subject = subject;
    if (auto wrong = read_argument(name, has_arg, arg, m))
        return invalid(subject, *wrong);
    const std::string tag = "[" + name + (has_arg ? ":" + arg : "") + "]";
    if (rest.empty() || util::trim(rest).empty())
        return invalid(subject, "text must follow " + tag + example_for(name));
    if (rest.front() != ' ')
        return invalid(subject, "a space must follow " + tag + example_for(name));
    m.text = util::trim(rest);
    if (m.text.starts_with('[') && any_tag_pattern().match(m.text)) // as the pattern does
        return invalid(subject, "use exactly one status tag per commit" + example_for(name));
    return m;
}

std::string detect_auto_comment_prefix(std::string_view raw) {
    static constexpr std::string_view candidates = "#;@!$%^&|:";
    std::vector<std::string_view> lines = util::split_lines(raw);
    // git's own comment block names itself; its lines tell which character git picked.
    for (char c : candidates) {
        for (auto line : lines) {
            if (line.size() > 1 && line[0] == c &&
                (line.substr(1).starts_with(" Please enter") ||
                 line.substr(1).starts_with(scissors)))
                return std::string(1, c);
        }
    }
    // Otherwise git picked the first candidate that starts no line, so no line is a comment.
    for (char c : candidates) {
        bool used = false;
        for (auto line : lines)
            used = used || (!line.empty() && line[0] == c);
        if (!used)
            return std::string(1, c);
    }
    return "#";
}

namespace {

// The lines of a raw message that git keeps: comment lines dropped (unless the style keeps
// them), nothing from the scissors line down.
std::vector<std::string_view> kept_lines(std::string_view raw, const CommentStyle& style) {
    if (raw.starts_with("\xEF\xBB\xBF")) // a byte-order mark some editors on Windows write
        raw.remove_prefix(3);
    std::string prefix = style.prefix == "auto" ? detect_auto_comment_prefix(raw) : style.prefix;
    std::string cut = prefix + std::string(scissors);
    std::vector<std::string_view> kept;
    for (auto line : util::split_lines(raw)) {
        if (!prefix.empty() && line.starts_with(cut))
            break;
        if (!prefix.empty() && style.strip_comments && line.starts_with(prefix))
            continue;
        kept.push_back(line);
    }
    return kept;
}

// What follows a leading status tag (or something shaped like one), repeatedly: "Add x" for
// "[checkpoint][COMPLETE] Add x".
std::string without_tags(std::string text) {
    while (auto groups = tag_pattern().match(text)) {
        std::string rest = util::trim((*groups)[3]);
        if (rest == text)
            break;
        text = std::move(rest);
    }
    return text;
}

// A valid subject for an invalid one: its own tag when only the case or the space after it
// was wrong, else [CHECKPOINT] in front of its text.
std::string mended_subject(const std::string& subject) {
    const std::string text = util::trim(util::sanitize_for_terminal(without_tags(subject)));
    if (auto groups = tag_pattern().match(subject)) {
        const std::string name = util::to_upper((*groups)[1]);
        const bool has_arg =
            subject.find(':') != std::string::npos && subject.find(':') < subject.find(']');
        std::string own = "[" + name + (has_arg ? ":" + util::trim((*groups)[2]) : "") + "] " +
                          (!text.empty()        ? text
                           : name == "COMPLETE" ? "Task complete"
                           : name == "BLOCKED"  ? "Cannot go on"
                           : name == "NEEDS"    ? "Waiting for it"
                                                : "Work in progress");
        if (classify_subject(own).kind == Kind::protocol)
            return own;
    }
    std::string checkpoint = "[CHECKPOINT] " + (text.empty() ? "Work in progress" : text);
    return classify_subject(checkpoint).kind == Kind::protocol ? checkpoint
                                                               : std::string(example_checkpoint);
}

} // namespace

Message parse_message(std::string_view raw, const CommentStyle& style) {
    for (auto line : kept_lines(raw, style))
        if (!util::trim(line).empty())
            return classify_subject(line);
    Message m;
    m.kind = Kind::empty;
    return m;
}

std::string committable_message(std::string_view raw, const CommentStyle& style) {
    // git's cleanup: trailing spaces go, runs of blank lines become one, none at either end.
    std::vector<std::string> lines;
    for (auto line : kept_lines(raw, style)) {
        std::string kept = util::trim_right(line);
        if (kept.empty() && (lines.empty() || lines.back().empty()))
            continue;
        lines.push_back(std::move(kept));
    }
    while (!lines.empty() && lines.back().empty())
        lines.pop_back();
    if (lines.empty())
        return {};
    if (classify_subject(lines.front()).kind == Kind::invalid)
        lines.front() = mended_subject(lines.front());
    return util::join(lines, "\n") + "\n";
}

namespace {

// The full hex id after `prefix` on the message's last line that starts with it.
std::optional<std::string> named_commit(std::string_view message, std::string_view prefix) {
    std::optional<std::string> found;
    for (auto raw : util::split_lines(message)) {
        const std::string line = util::trim(raw);
        if (!line.starts_with(prefix))
            continue;
        std::string_view hex = std::string_view(line).substr(prefix.size(), 40);
        if (hex.size() == 40 && std::all_of(hex.begin(), hex.end(), [](char c) {
                return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            }))
            found = std::string(hex);
    }
    return found;
}

} // namespace

std::optional<std::string> reverted_commit(std::string_view message) {
    return named_commit(message, "This reverts commit ");
}

std::optional<std::string> picked_from(std::string_view message) {
    return named_commit(message, "(cherry picked from commit ");
}

} // namespace porch::protocol
