// String helpers: util/text.
#include "util/random.hpp"
#include "util/text.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <set>
#include <string>
#include <vector>

using namespace std::string_literals;
using namespace porch::util;

namespace {

using Lines = std::vector<std::string_view>;

// sanitize_for_terminal("a" + seq + "b") keeps a and b and puts only '?' in between.
bool replaced(const std::string& seq) {
    std::string out = sanitize_for_terminal("a" + seq + "b");
    if (out.size() < 3 || out.front() != 'a' || out.back() != 'b')
        return false;
    return out.find_first_not_of('?', 1) == out.size() - 1;
}

bool kept(const std::string& text) {
    return sanitize_for_terminal(text) == text;
}

} // namespace

TEST_CASE("trim and trim_right", "[text]") {
    CHECK(trim("  a b \t\r\n") == "a b");
    CHECK(trim("\f\va\v\f") == "a");
    CHECK(trim("") == "");
    CHECK(trim(" \t\r\n ") == "");
    CHECK(trim("x") == "x");
    CHECK(trim("\xc2\xa0x\xc2\xa0") == "\xc2\xa0x\xc2\xa0"); // only ASCII whitespace
    CHECK(trim_right("  a b  \r\n") == "  a b");
    CHECK(trim_right("") == "");
    CHECK(trim_right("   ") == "");
    CHECK(trim_right("\ta") == "\ta");
}

TEST_CASE("to_upper touches ASCII letters only", "[text]") {
    CHECK(to_upper("checkpoint") == "CHECKPOINT");
    CHECK(to_upper("a-Z_1 \xc3\xa4") == "A-Z_1 \xc3\xa4");
    CHECK(to_upper("") == "");
}

TEST_CASE("split_lines", "[text]") {
    CHECK(split_lines("").empty());
    CHECK(split_lines("a") == Lines{"a"});
    CHECK(split_lines("a\n") == Lines{"a"});
    CHECK(split_lines("a\nb") == Lines{"a", "b"});
    CHECK(split_lines("a\n\nb\n") == Lines{"a", "", "b"});
    CHECK(split_lines("a\n\n") == Lines{"a", ""});
    CHECK(split_lines("\n") == Lines{""});
    CHECK(split_lines("\n\n") == Lines{"", ""});
    SECTION("CRLF") {
        CHECK(split_lines("a\r\nb\r\n") == Lines{"a", "b"});
        CHECK(split_lines("a\r\nb") == Lines{"a", "b"});
        CHECK(split_lines("a\r\n\r\n") == Lines{"a", ""});
        CHECK(split_lines("a\r") == Lines{"a"});
        // Only one trailing '\r' is a line ending; a lone '\r' inside is content.
        CHECK(split_lines("a\rb\n") == Lines{"a\rb"});
        CHECK(split_lines("a\r\r\n") == Lines{"a\r"});
    }
    SECTION("embedded NUL is content") {
        CHECK(split_lines("a\0b\nc"s) == Lines{std::string_view("a\0b", 3), "c"});
    }
}

TEST_CASE("sanitize_for_terminal: ASCII controls", "[text]") {
    CHECK(sanitize_for_terminal("plain text, 100% ok ~!") == "plain text, 100% ok ~!");
    CHECK(sanitize_for_terminal("") == "");
    CHECK(sanitize_for_terminal("a\x1b[31mred\x1b[0m") == "a?[31mred?[0m");
    CHECK(sanitize_for_terminal("\x1b]0;title\a") == "?]0;title?");
    CHECK(sanitize_for_terminal("bell\a") == "bell?");
    CHECK(sanitize_for_terminal("del\x7f") == "del?");
    CHECK(sanitize_for_terminal("nul\0x"s) == "nul?x");
    CHECK(sanitize_for_terminal("a\nb\rc\bd\fe\vf") == "a?b?c?d?e?f");
    CHECK(sanitize_for_terminal("tab\tkept") == "tab\tkept");
    CHECK(sanitize_for_terminal("\x01\x1f") == "??");
}

TEST_CASE("sanitize_for_terminal: C1 controls and bidi controls in UTF-8", "[text]") {
    CHECK(replaced("\xc2\x80"));     // U+0080
    CHECK(replaced("\xc2\x85"));     // U+0085 NEL
    CHECK(replaced("\xc2\x9b"));     // U+009B CSI
    CHECK(replaced("\xc2\x9f"));     // U+009F
    CHECK(kept("\xc2\xa0"));         // U+00A0, the first character after C1
    CHECK(replaced("\xe2\x80\xae")); // U+202E RIGHT-TO-LEFT OVERRIDE
    CHECK(replaced("\xe2\x80\xaa")); // U+202A
    CHECK(replaced("\xe2\x81\xa6")); // U+2066 LEFT-TO-RIGHT ISOLATE
    CHECK(replaced("\xe2\x81\xa9")); // U+2069
    CHECK(replaced("\xe2\x80\xa8")); // U+2028 LINE SEPARATOR
    CHECK(replaced("\xe2\x80\xa9")); // U+2029 PARAGRAPH SEPARATOR
    CHECK(kept("\xe2\x80\xb0"));     // U+2030 PER MILLE SIGN
    CHECK(kept("a\xe2\x80\x94"
               "b")); // U+2014 EM DASH
}

TEST_CASE("sanitize_for_terminal: invalid UTF-8", "[text]") {
    CHECK(replaced("\xff"));
    CHECK(replaced("\xfe"));
    CHECK(replaced("\x80")); // lone continuation byte
    CHECK(replaced("\xbf\xbf"));
    CHECK(replaced("\xc3"));         // truncated
    CHECK(replaced("\xe2\x82"));     // truncated
    CHECK(replaced("\xf0\x9f\x98")); // truncated
    CHECK(sanitize_for_terminal("\xc3(") == "?(");
    CHECK(sanitize_for_terminal("\xe2\x82"
                                "A") == "??A");
    CHECK(sanitize_for_terminal("x\xc3") == "x?");
    SECTION("overlong encodings") {
        CHECK(replaced("\xc0\xaf")); // '/'
        CHECK(replaced("\xc1\xbf"));
        CHECK(replaced("\xc0\x80")); // NUL
        CHECK(replaced("\xe0\x80\xaf"));
        CHECK(replaced("\xe0\x9f\xbf")); // U+07FF in three bytes
        CHECK(replaced("\xf0\x80\x80\xaf"));
        CHECK(replaced("\xf0\x8f\xbf\xbf")); // U+FFFF in four bytes
        CHECK(replaced("\xe0\x81\x9b"));     // ESC '[' hidden in an overlong
    }
    SECTION("surrogates and beyond U+10FFFF") {
        CHECK(replaced("\xed\xa0\x80"));     // U+D800
        CHECK(replaced("\xed\xbf\xbf"));     // U+DFFF
        CHECK(replaced("\xf4\x90\x80\x80")); // U+110000
        CHECK(replaced("\xf5\x80\x80\x80"));
        CHECK(replaced("\xf8\x88\x80\x80\x80"));
    }
}

TEST_CASE("sanitize_for_terminal keeps valid multi-byte text", "[text]") {
    for (const std::string& s :
         {"caf\xc3\xa9"s, "\xe2\x82\xac"s, "\xf0\x9f\x98\x80"s, "\xe6\x97\xa5\xe6\x9c\xac"s,
          "\xd0\xb0\xd0\xb1"s, "\xc2\xa9"s, "\xdf\xbf"s /* U+07FF */, "\xe0\xa0\x80"s /* U+0800 */,
          "\xed\x9f\xbf"s /* U+D7FF */, "\xee\x80\x80"s /* U+E000 */, "\xef\xbf\xbd"s /* U+FFFD */,
          "\xf0\x90\x80\x80"s /* U+10000 */, "\xf4\x8f\xbf\xbf"s /* U+10FFFF */}) {
        INFO(s);
        CHECK(kept(s));
        CHECK(kept("x" + s + "y" + s));
    }
}

TEST_CASE("format_age", "[text]") {
    CHECK(format_age(0) == "0s");
    CHECK(format_age(59) == "59s");
    CHECK(format_age(60) == "1m");
    CHECK(format_age(119) == "1m");
    CHECK(format_age(3599) == "59m");
    CHECK(format_age(3600) == "1h");
    CHECK(format_age(86399) == "23h");
    CHECK(format_age(86400) == "1d");
    CHECK(format_age(10 * 365 * 86400LL) == "3650d");
    CHECK(format_age(-5) == "0s"); // a clock skewed into the future
    CHECK(format_age(std::numeric_limits<std::int64_t>::min()) == "0s");
}

TEST_CASE("parse_duration", "[text]") {
    CHECK(parse_duration("90s") == 90);
    CHECK(parse_duration("15m") == 900);
    CHECK(parse_duration("2h") == 7200);
    CHECK(parse_duration("1d") == 86400);
    CHECK(parse_duration("1w") == 604800);
    CHECK(parse_duration("1h30m") == 5400);
    CHECK(parse_duration("1w1d1h1m1s") == 604800 + 86400 + 3600 + 60 + 1);
    CHECK(parse_duration("0s") == 0);
    CHECK(parse_duration("007m") == 420);
    CHECK(parse_duration("999999999999s") == 999999999999LL);
    CHECK(parse_duration("999999999999w") == 999999999999LL * 604800);
    for (const char* bad : {"", "h", "10", "1x", "1H", " 1h", "1h ", "-1h", "+1h", "1.5h", "1h30",
                            "1 h", "0", "abc", "1hh", "1234567890123s"}) {
        INFO(bad);
        CHECK_FALSE(parse_duration(bad));
    }
    SECTION("sums that overflow are rejected, not wrapped") {
        std::string huge;
        for (int i = 0; i < 20; ++i)
            huge += "999999999999w";
        CHECK_FALSE(parse_duration(huge));
        std::string many_seconds;
        for (int i = 0; i < 10000000; i += 1000)
            many_seconds += "999999999999s";
        auto total = parse_duration(many_seconds);
        REQUIRE(total);
        CHECK(*total == 10000LL * 999999999999LL);
    }
}

TEST_CASE("format_iso8601_utc", "[text]") {
    CHECK(format_iso8601_utc(0) == "1970-01-01T00:00:00Z");
    CHECK(format_iso8601_utc(1795314600) == "2026-11-22T02:30:00Z");
    CHECK(format_iso8601_utc(951782400) == "2000-02-29T00:00:00Z");
    CHECK(format_iso8601_utc(2147483648LL) == "2038-01-19T03:14:08Z");
    CHECK(format_iso8601_utc(-1) == "1969-12-31T23:59:59Z");
    CHECK(format_iso8601_utc(253402300799LL) == "9999-12-31T23:59:59Z");
}

TEST_CASE("is_valid_utf8 accepts well-formed UTF-8 only", "[text]") {
    using porch::util::is_valid_utf8;
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("plain ascii"));
    CHECK(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    CHECK_FALSE(is_valid_utf8("\xff"));
    CHECK_FALSE(is_valid_utf8("\xc3"));             // cut short
    CHECK_FALSE(is_valid_utf8("\xc0\xaf"));         // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));     // a surrogate
    CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80")); // past U+10FFFF
    CHECK_FALSE(is_valid_utf8("a\x80"
                              "b")); // a stray continuation byte
}

TEST_CASE("shell_quote makes one literal word", "[text][launch]") {
    CHECK(shell_quote("") == "''");
    CHECK(shell_quote("plain") == "'plain'");
    CHECK(shell_quote("it's") == "'it'\\''s'");
    CHECK(shell_quote("$(x) `y` \"z\" \\") == "'$(x) `y` \"z\" \\'");
}

TEST_CASE("shell_word quotes only what the shell would change", "[text][launch]") {
    CHECK(shell_word("work/task-1-api") == "work/task-1-api");
    CHECK(shell_word("src/a_b.c,x=1:y@z%+") == "src/a_b.c,x=1:y@z%+");
    CHECK(shell_word("") == "''");
    CHECK(shell_word("src/*.py") == "'src/*.py'");
    CHECK(shell_word("a b") == "'a b'");
    CHECK(shell_word("~/x") == "'~/x'");
    CHECK(shell_word("it's") == "'it'\\''s'");
}

TEST_CASE("first_few lists a few and counts the rest", "[text]") {
    using porch::util::first_few;
    CHECK(first_few({}, 3) == "");
    CHECK(first_few({"a", "b"}, 3) == "a, b");
    CHECK(first_few({"a", "b", "c"}, 3) == "a, b, c");
    CHECK(first_few({"a", "b", "c", "d", "e"}, 3) == "a, b, c and 2 more");
}

TEST_CASE("join puts the separator between parts only", "[text]") {
    CHECK(join({}, ", ") == "");
    CHECK(join({"a"}, ", ") == "a");
    CHECK(join({"a", "b", "c"}, " -> ") == "a -> b -> c");
}

TEST_CASE("plural adds an s unless the count is 1", "[text]") {
    CHECK(plural(0, "commit") == "0 commits");
    CHECK(plural(1, "commit") == "1 commit");
    CHECK(plural(2, "path") == "2 paths");
}

TEST_CASE("random_hex: hex digits from the kernel, never repeating in practice", "[random]") {
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
        const std::string id = random_hex(16);
        REQUIRE(id.size() == 32);
        CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
        seen.insert(id);
    }
    CHECK(seen.size() == 2000);
    CHECK(random_hex(0).empty());
    for (int i = 0; i < 100; ++i) {
        const int n = random_int(3, 5);
        CHECK((n >= 3 && n <= 5));
    }
}
