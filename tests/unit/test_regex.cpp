// The PCRE2 wrapper: util/regex.
#include "util/error.hpp"
#include "util/regex.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

using namespace std::string_literals;
using Catch::Matchers::Contains;
using porch::util::Regex;

TEST_CASE("Regex::match is anchored at both ends", "[regex]") {
    Regex re("[a-z]+");
    CHECK(re.match("abc"));
    CHECK_FALSE(re.match("abc1"));
    CHECK_FALSE(re.match("1abc"));
    CHECK_FALSE(re.match("abc\n")); // no '$'-style leniency before a final newline
    CHECK_FALSE(re.match(""));
    Regex alt("a|ab");
    CHECK(alt.match("ab")); // the end anchor applies to every alternative
}

TEST_CASE("Regex::match returns the groups", "[regex]") {
    Regex re(R"((\w+)(?::(\w+))?=(.*))");
    auto g = re.match("key:sub=value");
    REQUIRE(g);
    REQUIRE(g->size() == 4);
    CHECK((*g)[0] == "key:sub=value");
    CHECK((*g)[1] == "key");
    CHECK((*g)[2] == "sub");
    CHECK((*g)[3] == "value");

    auto unset = re.match("key=");
    REQUIRE(unset);
    REQUIRE(unset->size() == 4);
    CHECK((*unset)[2].empty());
    CHECK((*unset)[3].empty());
}

TEST_CASE("Regex::search finds a match anywhere", "[regex]") {
    Regex re("[0-9]+");
    CHECK(re.search("abc 123 def"));
    CHECK_FALSE(re.search("abc def"));
    CHECK_FALSE(re.search(""));
}

TEST_CASE("Regex handles UTF-8, invalid UTF-8 and NUL bytes in subjects", "[regex]") {
    Regex any(".+");
    CHECK(any.match("caf\xc3\xa9"));
    CHECK_FALSE(any.match("\xe9"));     // invalid UTF-8 never matches, and does not throw
    CHECK_FALSE(any.match("\xc0\xaf")); // overlong
    CHECK_FALSE(any.search("\xff\xfe"));
    Regex letters("[a-z]+");
    CHECK_FALSE(letters.match("ab\0cd"s));
    CHECK(Regex("ab\\x00cd").match("ab\0cd"s));
    Regex one(".");
    CHECK(one.match("\xe2\x82\xac")); // one code point, three bytes
}

TEST_CASE("a bad pattern throws porch::Error", "[regex]") {
    try {
        Regex re("(unclosed");
        FAIL("compiled");
    } catch (const porch::Error& e) {
        CHECK(e.kind() == porch::ErrorKind::fatal);
        CHECK_THAT(e.what(), Contains("bad pattern '(unclosed'"));
    }
    CHECK_THROWS_AS(Regex("[z-a]"), porch::Error);
}

TEST_CASE("Regex can be moved", "[regex]") {
    Regex a("x+");
    Regex b(std::move(a));
    CHECK(b.match("xxx"));
    Regex c("y");
    c = std::move(b);
    CHECK(c.match("xx"));
    CHECK_FALSE(c.match("y"));
}

// KNOWN BUG in util/regex.cpp, left to its owner: with PCRE2_MATCH_INVALID_UTF an invalid byte
// acts as an end of subject, so PCRE2_ENDANCHORED is satisfied before it and "[a-z]+" "matches"
// "abc\xff" (group 0 is "abc"). Fix: in Regex::match, also require ovector[0] == 0 and
// ovector[1] == subject.size(). lib/protocol/naming.cpp guards its own calls meanwhile.
TEST_CASE("Regex::match is anchored at the end even before invalid UTF-8", "[regex]") {
    CHECK_FALSE(Regex("[a-z]+").match("abc\xff"));
}
