// The commit-message protocol: what a worker's commit subject says about its state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace porch::protocol {

enum class Status { checkpoint, blocked, needs, complete };

std::string_view to_string(Status status);

// What a message is, for the purpose of the protocol.
enum class Kind {
    protocol, // one of the four status tags
    merge,    // `Merge ...`: git's own merge messages pass the hook
    revert,   // `Revert "..."`
    fixup,    // `fixup! `, `squash! `, `amend! `: folded into another commit later
    empty,    // nothing but comments and blank lines: git aborts such a commit itself
    invalid,
};

struct Message {
    Kind kind = Kind::invalid;
    Status status = Status::checkpoint; // meaningful when kind == protocol
    std::string reason;                 // BLOCKED
    std::string needs_worker;           // NEEDS: "task-<id>"
    std::string needs_item;             // NEEDS
    std::string text;                   // what follows the tag
    std::string subject;                // the first line that counts
    std::string error;                  // kind == invalid: what is wrong, one line
};

// How git strips comments from the raw message that commit-msg receives.
struct CommentStyle {
    // `core.commentString`, else `core.commentChar`; "auto" makes git choose per message.
    // Empty: git cuts nothing (no editor, or commit.cleanup=whitespace or verbatim).
    std::string prefix = "#";
    // Whether comment lines go (commit.cleanup=strip, and default with an editor); with
    // commit.cleanup=scissors git keeps them and cuts only from the scissors line down.
    bool strip_comments = true;
};

// Parses a subject line (already the first meaningful line).
Message classify_subject(std::string_view subject);

// Parses a raw message as commit-msg receives it: comment lines dropped (unless the style keeps
// them), stops at the scissors line, leading blank lines skipped, CRLF accepted.
Message parse_message(std::string_view raw, const CommentStyle& style = {});

// The message git would commit from `raw` (comments and the scissors part dropped as `style`
// says, trailing spaces and extra blank lines gone), its subject made valid if it is not: the
// same tag when only its case or the space after it was wrong, else its text after
// [CHECKPOINT]. What porch keeps of a refused commit, for `git commit -F`. Empty when `raw` has
// no subject.
std::string committable_message(std::string_view raw, const CommentStyle& style = {});

// The comment prefix git used in `raw` when configured as "auto".
std::string detect_auto_comment_prefix(std::string_view raw);

// The commit a message says it undoes or copies, as git writes it in the body: `git revert`'s
// "This reverts commit <hex>." and `git cherry-pick -x`'s "(cherry picked from commit <hex>)".
// The last such line counts (a pick of a pick names both). nullopt when there is none.
std::optional<std::string> reverted_commit(std::string_view message);
std::optional<std::string> picked_from(std::string_view message);

// A one-line summary of the protocol with a valid example for each tag, for error output.
std::string_view protocol_examples();

} // namespace porch::protocol
