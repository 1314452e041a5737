// The commit-message protocol parser: protocol::classify_subject and protocol::parse_message.
#include "model/message.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace std::string_literals;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using porch::protocol::classify_subject;
using porch::protocol::CommentStyle;
using porch::protocol::detect_auto_comment_prefix;
using porch::protocol::Kind;
using porch::protocol::Message;
using porch::protocol::parse_message;
using porch::protocol::Status;

namespace {

CommentStyle style(std::string prefix) {
    CommentStyle s;
    s.prefix = std::move(prefix);
    return s;
}

// What every rejection must look like: one printable line that ends with a valid example.
void check_error_shape(const Message& m) {
    INFO("error: " << m.error);
    CHECK(m.kind == Kind::invalid);
    CHECK_FALSE(m.error.empty());
    CHECK_THAT(m.error, Contains("for example"));
    CHECK(m.error.find('\n') == std::string::npos);
    const bool printable = std::none_of(m.error.begin(), m.error.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return c < 0x20 || c == 0x7f;
    });
    CHECK(printable);
}

Message invalid(std::string_view subject) {
    Message m = classify_subject(subject);
    INFO("subject: " << subject);
    REQUIRE(m.kind == Kind::invalid);
    check_error_shape(m);
    return m;
}

// git's own comment block for `git commit` with an editor (git 2.39, captured verbatim).
const std::string git_block_hash =
    "\n"
    "# Please enter the commit message for your changes. Lines starting\n"
    "# with '#' will be ignored, and an empty message aborts the commit.\n"
    "#\n"
    "# On branch master\n"
    "# Changes to be committed:\n"
    "#\tnew file:   f\n"
    "#\n";

// `git commit -v`: the scissors line, then the diff.
const std::string git_verbose_tail = "# ------------------------ >8 ------------------------\n"
                                     "# Do not modify or remove the line above.\n"
                                     "# Everything below it will be ignored.\n"
                                     "diff --git a/f b/f\n"
                                     "new file mode 100644\n"
                                     "index 0000000..7898192\n"
                                     "--- /dev/null\n"
                                     "+++ b/f\n"
                                     "@@ -0,0 +1 @@\n"
                                     "+[WIP] not a subject\n";

std::string with_prefix(std::string_view block, std::string_view prefix) {
    std::string out;
    std::size_t start = 0;
    while (start < block.size()) {
        auto end = block.find('\n', start);
        std::string_view line = block.substr(start, end - start);
        if (line.starts_with('#'))
            out += std::string(prefix) + std::string(line.substr(1));
        else
            out += line;
        out += '\n';
        start = end + 1;
    }
    return out;
}

} // namespace

TEST_CASE("status names", "[message]") {
    CHECK(porch::protocol::to_string(Status::checkpoint) == "checkpoint");
    CHECK(porch::protocol::to_string(Status::blocked) == "blocked");
    CHECK(porch::protocol::to_string(Status::needs) == "needs");
    CHECK(porch::protocol::to_string(Status::complete) == "complete");
}

TEST_CASE("CHECKPOINT with text is valid", "[message]") {
    Message m = classify_subject("[CHECKPOINT] Add user model with validation");
    CHECK(m.kind == Kind::protocol);
    CHECK(m.status == Status::checkpoint);
    CHECK(m.text == "Add user model with validation");
    CHECK(m.subject == "[CHECKPOINT] Add user model with validation");
    CHECK(m.error.empty());
    CHECK(m.reason.empty());
    CHECK(m.needs_worker.empty());
    CHECK(m.needs_item.empty());
}

TEST_CASE("COMPLETE with text is valid", "[message]") {
    Message m = classify_subject("[COMPLETE] Analytics API endpoints implemented");
    CHECK(m.kind == Kind::protocol);
    CHECK(m.status == Status::complete);
    CHECK(m.text == "Analytics API endpoints implemented");
}

TEST_CASE("BLOCKED with a reason and text is valid", "[message]") {
    Message m = classify_subject("[BLOCKED:missing-api-spec] Need endpoint definitions");
    CHECK(m.kind == Kind::protocol);
    CHECK(m.status == Status::blocked);
    CHECK(m.reason == "missing-api-spec");
    CHECK(m.text == "Need endpoint definitions");

    SECTION("the reason may contain spaces and is trimmed") {
        Message r = classify_subject("[BLOCKED:  waiting for the API spec ] Paused");
        CHECK(r.kind == Kind::protocol);
        CHECK(r.reason == "waiting for the API spec");
        CHECK(r.text == "Paused");
    }
}

TEST_CASE("NEEDS with worker, item and text is valid", "[message]") {
    Message m = classify_subject("[NEEDS:task-2/UserModel] Require User model for relations");
    CHECK(m.kind == Kind::protocol);
    CHECK(m.status == Status::needs);
    CHECK(m.needs_worker == "task-2");
    CHECK(m.needs_item == "UserModel");
    CHECK(m.text == "Require User model for relations");

    SECTION("worker and item are trimmed; the item may contain spaces and slashes") {
        Message r = classify_subject("[NEEDS: task-auth/models/User login ] Waiting");
        CHECK(r.kind == Kind::protocol);
        CHECK(r.needs_worker == "task-auth");
        CHECK(r.needs_item == "models/User login");
    }
    SECTION("an id of exactly 32 characters is accepted") {
        std::string id(32, 'a');
        Message r = classify_subject("[NEEDS:task-" + id + "/x] Waiting");
        CHECK(r.kind == Kind::protocol);
        CHECK(r.needs_worker == "task-" + id);
    }
}

TEST_CASE("text after the tag is trimmed and may hold anything printable", "[message]") {
    Message m = classify_subject("[COMPLETE]   Done: all [x] items\tchecked   ");
    CHECK(m.kind == Kind::protocol);
    CHECK(m.text == "Done: all [x] items\tchecked");
    CHECK(m.subject == "[COMPLETE]   Done: all [x] items\tchecked");

    Message u = classify_subject("[CHECKPOINT] Füge Benutzer hinzu — ✓ 日本語");
    CHECK(u.kind == Kind::protocol);
    CHECK(u.text == "Füge Benutzer hinzu — ✓ 日本語");
}

TEST_CASE("every example in protocol_examples is itself valid", "[message]") {
    std::string text(porch::protocol::protocol_examples());
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        lines.push_back(text.substr(start, end == std::string::npos ? end : end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    REQUIRE(lines.size() == 4);
    const Status expected[] = {Status::checkpoint, Status::blocked, Status::needs,
                               Status::complete};
    for (std::size_t i = 0; i < 4; ++i) {
        INFO(lines[i]);
        Message m = classify_subject(lines[i]);
        CHECK(m.kind == Kind::protocol);
        CHECK(m.status == expected[i]);
    }
}

TEST_CASE("a tag without text is rejected", "[message]") {
    CHECK_THAT(invalid("[CHECKPOINT]").error, Contains("text must follow [CHECKPOINT]"));
    CHECK_THAT(invalid("[CHECKPOINT]    ").error, Contains("text must follow [CHECKPOINT]"));
    CHECK_THAT(invalid("[COMPLETE] \t ").error, Contains("text must follow [COMPLETE]"));
    CHECK_THAT(invalid("[BLOCKED:no-spec]").error, Contains("text must follow [BLOCKED:no-spec]"));
    CHECK_THAT(invalid("[NEEDS:task-2/User]").error,
               Contains("text must follow [NEEDS:task-2/User]"));
    // The example matches the tag that was used.
    CHECK_THAT(invalid("[BLOCKED:x]").error, Contains("[BLOCKED:missing-api-spec]"));
}

TEST_CASE("a space must separate the tag from the text", "[message]") {
    CHECK_THAT(invalid("[CHECKPOINT]Add model").error,
               Contains("a space must follow [CHECKPOINT]"));
    CHECK_THAT(invalid("[COMPLETE]\tDone").error, Contains("a space must follow [COMPLETE]"));
    CHECK_THAT(invalid("[BLOCKED:spec]Paused").error,
               Contains("a space must follow [BLOCKED:spec]"));
    CHECK_THAT(invalid("[NEEDS:task-2/x]Wait").error, Contains("a space must follow"));
}

TEST_CASE("lower-case tags are rejected with the upper-case spelling", "[message]") {
    CHECK_THAT(invalid("[checkpoint] Add model").error, Contains("upper case"));
    CHECK_THAT(invalid("[checkpoint] Add model").error, Contains("[CHECKPOINT]"));
    CHECK_THAT(invalid("[Complete] Done").error, Contains("write [COMPLETE]"));
    Message b = invalid("[blocked:spec] Paused");
    CHECK_THAT(b.error, Contains("write [BLOCKED]"));
    CHECK_THAT(b.error, Contains("for example: [BLOCKED:missing-api-spec]"));
    CHECK_THAT(invalid("[Needs:task-2/x] Wait").error, Contains("write [NEEDS]"));
}

TEST_CASE("unknown tags are rejected and named", "[message]") {
    CHECK_THAT(invalid("[WIP] Add model").error, Contains("unknown status tag [WIP]"));
    CHECK_THAT(invalid("[DONE] Finished").error, Contains("unknown status tag [DONE]"));
    CHECK_THAT(invalid("[FIX_ME:later] x").error, Contains("unknown status tag [FIX_ME]"));
    CHECK_THAT(invalid("[] Add model").error, Contains("unknown status tag []"));
    Message m = invalid("[WIP] Add model");
    for (const char* tag :
         {"[CHECKPOINT]", "[BLOCKED:<reason>]", "[NEEDS:task-<id>/<item>]", "[COMPLETE]"})
        CHECK_THAT(m.error, Contains(tag));
}

TEST_CASE("BLOCKED needs a non-empty reason", "[message]") {
    CHECK_THAT(invalid("[BLOCKED] Paused").error, Contains("needs a reason"));
    CHECK_THAT(invalid("[BLOCKED:] Paused").error, Contains("needs a reason"));
    CHECK_THAT(invalid("[BLOCKED: ] Paused").error, Contains("needs a reason"));
    CHECK_THAT(invalid("[BLOCKED:\t  ] Paused").error, Contains("needs a reason"));
}

TEST_CASE("CHECKPOINT and COMPLETE take no argument", "[message]") {
    CHECK_THAT(invalid("[CHECKPOINT:x] Add").error, Contains("[CHECKPOINT] takes no ':' argument"));
    CHECK_THAT(invalid("[COMPLETE:] Done").error, Contains("[COMPLETE] takes no ':' argument"));
    // A colon in the text is not an argument.
    CHECK(classify_subject("[CHECKPOINT] Fix: parse dates").kind == Kind::protocol);
}

TEST_CASE("NEEDS must name task-<id>/<item>", "[message]") {
    for (const char* s : {"[NEEDS] Wait", "[NEEDS:] Wait", "[NEEDS:  ] Wait"})
        CHECK_THAT(invalid(s).error, Contains("needs a worker and an item"));
    const std::string too_long = "[NEEDS:task-" + std::string(33, 'a') + "/x] Wait";
    for (const std::string& s :
         {"[NEEDS:foo/bar] Wait"s, "[NEEDS:task-2] Wait"s, "[NEEDS:task-2/] Wait"s,
          "[NEEDS:task-2/   ] Wait"s, "[NEEDS:task-UPPER/x] Wait"s, "[NEEDS:task-/x] Wait"s,
          "[NEEDS:2/x] Wait"s, "[NEEDS:task-a_b/x] Wait"s, "[NEEDS:task-a.b/x] Wait"s,
          "[NEEDS:TASK-2/x] Wait"s, "[NEEDS:worker-2/x] Wait"s, too_long}) {
        Message m = invalid(s);
        CHECK_THAT(m.error, Contains("task-<id>/<item>"));
        CHECK_THAT(m.error, Contains("for example: [NEEDS:task-2/UserModel]"));
    }
    CHECK_THAT(invalid("[NEEDS:foo/bar] Wait").error, Contains("[NEEDS:foo/bar]"));
}

TEST_CASE("the first closing bracket closes the tag", "[message]") {
    // A reason cannot contain ']': what follows it is the text, which must start with a space.
    CHECK_THAT(invalid("[BLOCKED:a]b] Paused").error, Contains("a space must follow [BLOCKED:a]"));
    Message m = classify_subject("[BLOCKED:spec] and more] Paused");
    CHECK(m.kind == Kind::protocol);
    CHECK(m.reason == "spec");
    CHECK(m.text == "and more] Paused");
    CHECK_THAT(invalid("[NEEDS:task-2/a]b] Wait").error, Contains("a space must follow"));
}

TEST_CASE("only one status tag per commit", "[message]") {
    CHECK_THAT(invalid("[CHECKPOINT] [COMPLETE] Done").error, Contains("exactly one status tag"));
    CHECK_THAT(invalid("[COMPLETE] [BLOCKED:spec] Done").error, Contains("exactly one status tag"));
    CHECK_THAT(invalid("[BLOCKED:x] [NEEDS:task-2/y] z").error, Contains("exactly one status tag"));
    CHECK_THAT(invalid("[NEEDS:task-2/y] [CHECKPOINT] z").error,
               Contains("exactly one status tag"));
    CHECK(classify_subject("[CHECKPOINT][COMPLETE] Done").kind == Kind::invalid);
}

TEST_CASE("control characters in the subject are rejected", "[message]") {
    const std::vector<std::string> subjects = {
        "[CHECKPOINT] Add \x1b[31mred\x1b[0m text",
        "[CHECKPOINT] Ring\a the bell",
        "[CHECKPOINT] Null\0byte"s,
        "[CHECKPOINT] Delete\x7f",
        "[CHECKPOINT] Carriage\rreturn",
        "[CHECKPOINT] Two\nlines",
        "[CHECKPOINT] Vertical\vtab",
        "[BLOCKED:a\x1b]b] x",
        "\x1b[2J[COMPLETE] Done",
        // C1 controls encoded in UTF-8: U+009B is CSI in 8-bit terminals.
        "[CHECKPOINT] C1 \xc2\x9b"
        "31m",
        "[CHECKPOINT] C1 \xc2\x85 next line",
        // Invalid UTF-8 and bidi overrides would be just as hostile when printed.
        "[CHECKPOINT] Latin-1 caf\xe9",
        "[CHECKPOINT] Trojan \xe2\x80\xae source",
    };
    for (const auto& s : subjects) {
        Message m = invalid(s);
        CHECK_THAT(m.error, Contains("control character"));
    }
    SECTION("a tab is not a control character here") {
        CHECK(classify_subject("[CHECKPOINT] Align\tcolumns").kind == Kind::protocol);
    }
    SECTION("git's own subject shapes do not let control characters through either") {
        for (const auto& s : {"Merge branch 'x\x1b[2J'"s, "fixup! \x1b]0;title\a"s,
                              "Revert \"\x1b[31m\""s, "Merge branch 'a\xc2\x9b'"s}) {
            Message m = invalid(s);
            CHECK_THAT(m.error, Contains("control character"));
        }
    }
}

TEST_CASE("a non-protocol subject is rejected with the four tags and an example", "[message]") {
    Message m = invalid("Add stuff");
    CHECK(m.subject == "Add stuff");
    for (const char* tag :
         {"[CHECKPOINT]", "[BLOCKED:<reason>]", "[NEEDS:task-<id>/<item>]", "[COMPLETE]"})
        CHECK_THAT(m.error, Contains(tag));
    CHECK_THAT(m.error, Contains("for example: [CHECKPOINT] Add user model with validation"));
    // A tag that is not at the very start does not count.
    invalid(" [CHECKPOINT] Indented");
    invalid("Add stuff [CHECKPOINT]");
    invalid("(CHECKPOINT) Add");
    invalid("[CHECKPOINT Add");
}

TEST_CASE("git's merge subjects are merges", "[message]") {
    for (const char* s : {
             "Merge branch 'x'",
             "Merge branch 'feature/login' into develop",
             "Merge branches 'a' and 'b'",
             "Merge branch 'main' of https://github.com/o/r",
             "Merge branch 'main' of github.com:o/r into main",
             "Merge remote-tracking branch 'origin/main'",
             "Merge remote-tracking branch 'origin/main' into work/task-1-api",
             "Merge tag 'v1.0'",
             "Merge tags 'v1.0' and 'v1.1'",
             "Merge commit 'abc1234'",
             "Merge pull request #12 from user/feature",
             "Merge task-3: api",
             "Merge 'x' into y",
             "Merge https://example.com/repo.git",
         }) {
        INFO(s);
        Message m = classify_subject(s);
        CHECK(m.kind == Kind::merge);
        CHECK(m.subject == s);
    }
    for (const char* s : {"Merge", "Merge stuff", "Merged branch 'x'", "Merging things",
                          "merge branch 'x'", "Merge task-X: api", "Merge task-3 api"}) {
        INFO(s);
        CHECK(classify_subject(s).kind == Kind::invalid);
    }
}

TEST_CASE("reverts, fixups, squashes and amends pass", "[message]") {
    CHECK(classify_subject("Revert \"[CHECKPOINT] Add model\"").kind == Kind::revert);
    CHECK(classify_subject("Reapply \"[CHECKPOINT] Add model\"").kind == Kind::revert);
    CHECK(classify_subject("Revert something").kind == Kind::invalid);
    CHECK(classify_subject("fixup! [CHECKPOINT] Add model").kind == Kind::fixup);
    CHECK(classify_subject("squash! [CHECKPOINT] Add model").kind == Kind::fixup);
    CHECK(classify_subject("amend! [CHECKPOINT] Add model").kind == Kind::fixup);
    CHECK(classify_subject("fixup!no space").kind == Kind::invalid);
    CHECK(classify_subject("Fixup! x").kind == Kind::invalid);
}

TEST_CASE("an empty subject is empty", "[message]") {
    CHECK(classify_subject("").kind == Kind::empty);
    CHECK(classify_subject("  \t ").kind == Kind::empty);
}

TEST_CASE("parse_message: the first meaningful line is the subject", "[message]") {
    Message m = parse_message("[CHECKPOINT] Add model\n\nBody with [COMPLETE] and\n# text\n");
    CHECK(m.kind == Kind::protocol);
    CHECK(m.text == "Add model");
    CHECK(m.subject == "[CHECKPOINT] Add model");
    CHECK(parse_message("[CHECKPOINT] No final newline").kind == Kind::protocol);
}

TEST_CASE("parse_message: leading blank lines are skipped", "[message]") {
    Message m = parse_message("\n\n   \n\t\n[COMPLETE] Done\n");
    CHECK(m.kind == Kind::protocol);
    CHECK(m.status == Status::complete);
}

TEST_CASE("parse_message: CRLF line endings", "[message]") {
    Message m = parse_message("\r\n# comment\r\n[BLOCKED:spec] Paused\r\n\r\nBody\r\n");
    CHECK(m.kind == Kind::protocol);
    CHECK(m.reason == "spec");
    CHECK(m.text == "Paused");
    CHECK(m.subject == "[BLOCKED:spec] Paused");
    CHECK(parse_message("Add stuff\r\n").subject == "Add stuff");
    CHECK(parse_message(
              "[CHECKPOINT] x\r\n# ------------------------ >8 ------------------------\r\n")
              .kind == Kind::protocol);
    CHECK(parse_message(
              "# ------------------------ >8 ------------------------\r\n[CHECKPOINT] x\r\n")
              .kind == Kind::empty);
}

TEST_CASE("parse_message: '#' comment lines by default", "[message]") {
    Message m = parse_message("[CHECKPOINT] Add model\n" + git_block_hash);
    CHECK(m.kind == Kind::protocol);
    CHECK(parse_message("# [WIP] draft\n#[COMPLETE] x\n[BLOCKED:spec] Paused\n").status ==
          Status::blocked);
    CHECK(parse_message("#42 is not a subject here\n[COMPLETE] Done").kind == Kind::protocol);
    // Only column 0 counts, as in git.
    CHECK(parse_message(" # indented\n[COMPLETE] Done").kind == Kind::invalid);
    CHECK(parse_message(" # indented\n[COMPLETE] Done").subject == " # indented");
}

TEST_CASE("parse_message: a message that is only comments is empty", "[message]") {
    CHECK(parse_message("").kind == Kind::empty);
    CHECK(parse_message("\n\n  \n").kind == Kind::empty);
    CHECK(parse_message(git_block_hash).kind == Kind::empty);
    CHECK(parse_message("#\n# [CHECKPOINT] commented out\n").kind == Kind::empty);
    CHECK(parse_message(";\n; x\n", style(";")).kind == Kind::empty);
    CHECK(parse_message("// x\n//\n", style("//")).kind == Kind::empty);
}

TEST_CASE("parse_message: core.commentChar semicolon", "[message]") {
    const CommentStyle semi = style(";");
    const std::string block = with_prefix(git_block_hash, ";");
    CHECK(parse_message("[CHECKPOINT] Add model\n" + block, semi).kind == Kind::protocol);
    CHECK(parse_message(block, semi).kind == Kind::empty);
    CHECK(parse_message("; [WIP]\n[COMPLETE] Done\n", semi).kind == Kind::protocol);
    // '#' is ordinary text now.
    Message m = parse_message("#42 fixed\n" + block, semi);
    CHECK(m.kind == Kind::invalid);
    CHECK(m.subject == "#42 fixed");
}

TEST_CASE("parse_message: a multi-character core.commentString", "[message]") {
    const CommentStyle slashes = style("//");
    CHECK(parse_message("// note\n//\n[CHECKPOINT] Add model\n", slashes).kind == Kind::protocol);
    CHECK(parse_message(with_prefix(git_block_hash, "//"), slashes).kind == Kind::empty);
    Message hash = parse_message("# not a comment\n[CHECKPOINT] x\n", slashes);
    CHECK(hash.kind == Kind::invalid);
    CHECK(hash.subject == "# not a comment");
    CHECK(parse_message("/ half a prefix\n", slashes).subject == "/ half a prefix");
    CHECK(parse_message("\n" + with_prefix(git_verbose_tail, "//"), slashes).kind == Kind::empty);
}

TEST_CASE("parse_message: an empty prefix strips nothing (-m/-F, cleanup=whitespace)",
          "[message]") {
    // With -m or -F (no editor) git keeps '#' lines, so they can be the subject.
    const CommentStyle none = style("");
    Message m = parse_message("# foo\n\n[CHECKPOINT] x\n", none);
    CHECK(m.kind == Kind::invalid);
    CHECK(m.subject == "# foo");
    CHECK(parse_message("\n\n[CHECKPOINT] x\n", none).kind == Kind::protocol);
    // No scissors either.
    CHECK(parse_message("# ------------------------ >8 ------------------------\n[CHECKPOINT] x",
                        none)
              .kind == Kind::invalid);
}

TEST_CASE("parse_message: commit.cleanup=scissors keeps comment lines above the cut", "[message]") {
    CommentStyle scissors = style("#");
    scissors.strip_comments = false;
    Message m = parse_message("# 42 fixed\n[CHECKPOINT] x\n" + git_verbose_tail, scissors);
    CHECK(m.kind == Kind::invalid);
    CHECK(m.subject == "# 42 fixed");
    Message ok = parse_message("[CHECKPOINT] x\n# kept\n" + git_verbose_tail, scissors);
    CHECK(ok.kind == Kind::protocol);
    CHECK(ok.text == "x");
    CHECK(parse_message("\n" + git_verbose_tail, scissors).kind == Kind::empty);
}

TEST_CASE("parse_message: the scissors line ends the message", "[message]") {
    SECTION("commit -v with an empty message: the diff is not the subject") {
        Message m = parse_message(git_block_hash + git_verbose_tail);
        CHECK(m.kind == Kind::empty);
    }
    SECTION("commit -v with a message") {
        Message m = parse_message("[CHECKPOINT] Add f\n" + git_block_hash + git_verbose_tail);
        CHECK(m.kind == Kind::protocol);
        CHECK(m.text == "Add f");
    }
    SECTION("nothing below the scissors counts, even a valid subject") {
        CHECK(parse_message(
                  "\n# ------------------------ >8 ------------------------\n[COMPLETE] Done\n")
                  .kind == Kind::empty);
        CHECK(parse_message(
                  "# ------------------------ >8 ------------------------ and more\n[COMPLETE] "
                  "Done\n")
                  .kind == Kind::empty);
    }
    SECTION("with core.commentChar the scissors carry that character") {
        const std::string tail = with_prefix(git_verbose_tail, ";");
        CHECK(parse_message("\n" + tail, style(";")).kind == Kind::empty);
        CHECK(parse_message("[COMPLETE] Done\n" + tail, style(";")).kind == Kind::protocol);
        // A '#' scissors line is ordinary text when ';' is the comment character.
        CHECK(parse_message(git_verbose_tail, style(";")).kind == Kind::invalid);
    }
}

TEST_CASE("detect_auto_comment_prefix follows git's choice", "[message]") {
    SECTION("git's comment block names the character it picked") {
        // `git -c core.commentChar=auto commit -t <template>` with a template line "#42 fixed".
        const std::string raw = "#42 fixed\n" + with_prefix(git_block_hash, ";");
        CHECK(detect_auto_comment_prefix(raw) == ";");
        Message m = parse_message(raw, style("auto"));
        CHECK(m.kind == Kind::invalid);
        CHECK(m.subject == "#42 fixed");
        CHECK(parse_message("[COMPLETE] Done\n#1 in body\n" + with_prefix(git_block_hash, ";"),
                            style("auto"))
                  .kind == Kind::protocol);
    }
    SECTION("the scissors line names it too (--cleanup=scissors or -v)") {
        const std::string raw = "#1\n;2\n" + with_prefix(git_verbose_tail, "@");
        CHECK(detect_auto_comment_prefix(raw) == "@");
        Message m = parse_message(raw, style("auto"));
        CHECK(m.subject == "#1"); // '#' and ';' are text: git picked '@'
        CHECK(parse_message(";2\n" + with_prefix(git_verbose_tail, "@"), style("auto")).kind ==
              Kind::invalid);
        CHECK(
            parse_message("\n@ note\n" + with_prefix(git_verbose_tail, "@"), style("auto")).kind ==
            Kind::empty);
    }
    SECTION("default '#' when '#' starts no line") {
        CHECK(detect_auto_comment_prefix("") == "#");
        CHECK(detect_auto_comment_prefix("[CHECKPOINT] Fix #12\n") == "#");
        CHECK(detect_auto_comment_prefix("[CHECKPOINT] x\n" + git_block_hash) == "#");
        CHECK(parse_message("[CHECKPOINT] x\n" + git_block_hash, style("auto")).kind ==
              Kind::protocol);
        CHECK(parse_message(git_block_hash, style("auto")).kind == Kind::empty);
    }
    SECTION("without git's block: the first candidate that starts no line") {
        CHECK(detect_auto_comment_prefix("#a\n") == ";");
        CHECK(detect_auto_comment_prefix("#a\n;b\n") == "@");
        CHECK(detect_auto_comment_prefix("#\n;\n@\n!\n$\n%\n") == "^");
        CHECK(detect_auto_comment_prefix("#\n;\n@\n!\n$\n%\n^\n&\n|\n") == ":");
        // So nothing in such a message is a comment.
        Message m = parse_message("#a\n[CHECKPOINT] x\n", style("auto"));
        CHECK(m.subject == "#a");
    }
    SECTION("every candidate used: '#'") {
        CHECK(detect_auto_comment_prefix("#\n;\n@\n!\n$\n%\n^\n&\n|\n:\n") == "#");
    }
    SECTION("CRLF") {
        CHECK(detect_auto_comment_prefix("#42\r\n; Please enter the commit message\r\n") == ";");
    }
}

TEST_CASE("every rejection is one line with an example", "[message]") {
    const std::vector<std::string> subjects = {
        "Add stuff",
        "[WIP] x",
        "[] x",
        "[checkpoint] x",
        "[CHECKPOINT]",
        "[CHECKPOINT]x",
        "[CHECKPOINT:a] x",
        "[COMPLETE:] x",
        "[BLOCKED] x",
        "[BLOCKED:] x",
        "[BLOCKED: ] x",
        "[BLOCKED:r]",
        "[BLOCKED:r]x",
        "[NEEDS] x",
        "[NEEDS:foo/bar] x",
        "[NEEDS:task-2] x",
        "[NEEDS:task-2/] x",
        "[NEEDS:task-UPPER/x] y",
        "[NEEDS:task-" + std::string(40, '9') + "/x] y",
        "[NEEDS:task-2/x]",
        "[CHECKPOINT] [COMPLETE] x",
        "[CHECKPOINT] a\x1b[0m",
        "[CHECKPOINT] a\xc2\x9b",
        "x\ny",
        "Merge",
        "Revert x",
        "fixup!x",
        "[CHECKPOINT x",
        "[A-B] x",
        std::string(5000, 'x'),
    };
    for (const auto& s : subjects)
        invalid(s);
    // Through parse_message as well.
    for (const auto& raw : {"Add stuff\n"s, "\r\n[WIP] x\r\n"s, "# c\n[NEEDS:x] y\n"s}) {
        Message m = parse_message(raw);
        check_error_shape(m);
    }
}

TEST_CASE("committable_message: what git would commit, its subject made valid", "[message]") {
    using porch::protocol::committable_message;
    // Valid messages are kept as git cleans them up.
    CHECK(committable_message("[CHECKPOINT] Add x  \n\n\n\nBody line\n# comment\n") ==
          "[CHECKPOINT] Add x\n\nBody line\n");
    CHECK(committable_message("Merge branch 'x'\n") == "Merge branch 'x'\n");
    // A subject without a tag gets [CHECKPOINT]; the body stays.
    CHECK(committable_message("\n# Please enter\nAdd login form\n\nWhy.\n") ==
          "[CHECKPOINT] Add login form\n\nWhy.\n");
    // The tag's own case or space mended.
    CHECK(committable_message("[complete] Done\n") == "[COMPLETE] Done\n");
    CHECK(committable_message("[COMPLETE]Done\n") == "[COMPLETE] Done\n");
    CHECK(committable_message("[blocked:api] Need spec\n") == "[BLOCKED:api] Need spec\n");
    // A tag that cannot be mended is replaced.
    CHECK(committable_message("[BLOCKED] Need spec\n") == "[CHECKPOINT] Need spec\n");
    CHECK(committable_message("[WIP] Half\n") == "[CHECKPOINT] Half\n");
    CHECK(committable_message("[CHECKPOINT] [COMPLETE] Two\n") == "[CHECKPOINT] Two\n");
    CHECK(committable_message("[COMPLETE]\n") == "[COMPLETE] Task complete\n");
    CHECK(committable_message("[blocked:db]\n") == "[BLOCKED:db] Cannot go on\n");
    CHECK(committable_message("[WIP]\n") == "[CHECKPOINT] Work in progress\n");
    CHECK(committable_message("[NEEDS:task-2] x\n") == "[CHECKPOINT] x\n");
    // Control characters cannot stay in a subject.
    CHECK(committable_message("Add \x1b[31mred\n") == "[CHECKPOINT] Add ?[31mred\n");
    // The comment style is git's: kept lines stay with -F/-m (no prefix), the scissors cut.
    CHECK(committable_message("# not a comment\n", style("")) == "[CHECKPOINT] # not a comment\n");
    CHECK(committable_message(
              "Subject\n# ------------------------ >8 ------------------------\ndiff\n") ==
          "[CHECKPOINT] Subject\n");
    CHECK(committable_message("# only comments\n\n").empty());
    // Whatever comes out is valid.
    for (const char* raw : {"x", "[", "[]", "[:] a", "[BLOCKED:] a", "[NEEDS:task-A/b] c", "\x01"})
        CHECK(classify_subject(
                  committable_message(raw).substr(0, committable_message(raw).find('\n')))
                  .kind == Kind::protocol);
}
