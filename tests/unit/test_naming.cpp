// Worker ids, descriptions, feature names and naming templates: protocol/naming.
#include "model/naming.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace std::string_literals;
using Catch::Matchers::Contains;
using porch::protocol::normalize_id;
using porch::protocol::quote;
using porch::protocol::Template;
using porch::protocol::validate_desc;
using porch::protocol::validate_feature;
using porch::protocol::validate_id;

namespace {

// An error meant for a terminal: one line, nothing that drives the terminal, not huge.
void check_printable(const std::string& error) {
    INFO("error: " << error);
    CHECK(porch::util::sanitize_for_terminal(error) == error);
    CHECK(error.find('\n') == std::string::npos);
    CHECK(error.size() < 200);
}

void check_template_rejected(const std::string& text, const std::string& needle) {
    INFO("template: " << text);
    try {
        Template t(text, "naming.branch");
        FAIL("accepted");
    } catch (const porch::Error& e) {
        CHECK(e.kind() == porch::ErrorKind::fatal);
        CHECK_THAT(e.what(), Contains("naming.branch template"));
        CHECK_THAT(e.what(), Contains(needle));
        check_printable(e.what());
    }
}

} // namespace

TEST_CASE("validate_id accepts 1 to 32 lowercase letters and digits", "[naming]") {
    for (const std::string& id : {"7"s, "auth"s, "a1b2"s, "0"s, "task"s, std::string(32, 'z')}) {
        INFO(id);
        CHECK_FALSE(validate_id(id));
    }
}

TEST_CASE("validate_id rejects everything else", "[naming]") {
    auto e = validate_id("");
    REQUIRE(e);
    CHECK_THAT(*e, Contains("empty"));

    e = validate_id(std::string(33, 'a'));
    REQUIRE(e);
    CHECK_THAT(*e, Contains("longer than 32"));

    const std::vector<std::string> bad = {
        "Auth",
        "AUTH",
        "..",
        ".",
        "a/b",
        "/",
        "a\\b",
        "a b",
        " 7",
        "7 ",
        "7\n",
        "\t7",
        "a-b",
        "task-7",
        "a_b",
        "a.b",
        "a\x01",
        "7\0"s,
        "\x1b[31m",
        "\x1b]0;x\a",
        "\xd0\xb0uth", /* Cyrillic а */
        "\xef\xbc\x97",
        /* fullwidth 7 */ "\xc3\xa9",
        "\xff",
        "-",
        "~",
        "a:b",
        "a*",
        "$(id)",
        std::string(1000, 'a'),
        std::string(1000, '\x1b'),
    };
    for (const auto& id : bad) {
        INFO("id: " << porch::util::sanitize_for_terminal(id));
        auto err = validate_id(id);
        REQUIRE(err);
        check_printable(*err);
    }
    SECTION("the offending id is quoted, sanitised and cut") {
        auto esc = validate_id("\x1b[31m");
        REQUIRE(esc);
        CHECK_THAT(*esc, Contains("'?[31m'"));
        auto long_id = validate_id(std::string(1000, 'a'));
        REQUIRE(long_id);
        CHECK_THAT(*long_id, Contains("'" + std::string(40, 'a') + "...'"));
    }
}

TEST_CASE("validators are not fooled by invalid UTF-8 after a valid prefix", "[naming]") {
    CHECK(validate_id("7\xff"));
    CHECK(validate_id("7\xff"
                      "8"));
    CHECK(validate_id("auth\xc3"));
    CHECK(validate_desc("api\xff"));
    CHECK(validate_desc("api-\xe2\x82"));
    CHECK(validate_feature("dash\xff"));
    CHECK(validate_feature("a/b\xc0\xaf"));
    CHECK_FALSE(normalize_id("task-7\xff"));
    Template t("work/task-{id}-{desc}", "naming.branch");
    CHECK_FALSE(t.match("work/task-7-api\xff"));
    CHECK_FALSE(t.match("work/task-7-api\xff/evil"));
    CHECK_FALSE(t.match("work/task-7\xff-api"));
}

TEST_CASE("validate_desc: a lowercase slug of at most 48 characters", "[naming]") {
    for (const std::string& d : {"api-endpoints"s, "a"s, "a1-b2-c3"s, "x9"s, std::string(48, 'd'),
                                 "a-" + std::string(46, 'b')}) {
        INFO(d);
        CHECK_FALSE(validate_desc(d));
    }
    auto empty = validate_desc("");
    REQUIRE(empty);
    CHECK_THAT(*empty, Contains("empty"));
    auto too_long = validate_desc(std::string(49, 'd'));
    REQUIRE(too_long);
    CHECK_THAT(*too_long, Contains("longer than 48"));
    for (const std::string& d :
         {"-api"s, "api-"s, "api--endpoints"s, "-"s, "Api"s, "api_endpoints"s, "api endpoints"s,
          "api.v2"s, "api/v2"s, "\xc3\xa4pi"s, "api\n"s, "a\x1b[2J"s}) {
        INFO(d);
        auto err = validate_desc(d);
        REQUIRE(err);
        check_printable(*err);
    }
}

TEST_CASE("validate_feature", "[naming]") {
    for (const std::string& f : {"analytics-dashboard"s, "v1.2"s, "team/feature_x"s, "a/b/c"s,
                                 "lock"s, "a.lockx"s, std::string(64, 'f')}) {
        INFO(f);
        CHECK_FALSE(validate_feature(f));
    }
    for (const std::string& f : {""s, std::string(65, 'f'), "a//b"s, "/a"s, "a/"s, "a..b"s, ".a"s,
                                 "a."s, "a--b"s, "-a"s, "A"s, "a b"s, "a~1"s, "a:b"s, "a\x1b"s,
                                 // git refuses any ref component ending in ".lock"
                                 "a.lock"s, "x/a.lock"s, "a.lock/b"s}) {
        INFO(f);
        auto err = validate_feature(f);
        REQUIRE(err);
        CHECK_THAT(*err, Contains("feature name"));
        check_printable(*err);
    }
}

TEST_CASE("normalize_id accepts 7 and task-7", "[naming]") {
    CHECK(normalize_id("7") == "7");
    CHECK(normalize_id("task-7") == "7");
    CHECK(normalize_id("auth") == "auth");
    CHECK(normalize_id("task-auth") == "auth");
    CHECK(normalize_id("task") == "task");
    CHECK(normalize_id("task-" + std::string(32, 'a')) == std::string(32, 'a'));
    CHECK_FALSE(normalize_id("task-"));
    CHECK_FALSE(normalize_id("TASK-7"));
    CHECK_FALSE(normalize_id("Task-7"));
    CHECK_FALSE(normalize_id(""));
    CHECK_FALSE(normalize_id("task-task-7"));
    CHECK_FALSE(normalize_id("task-7/x"));
    CHECK_FALSE(normalize_id("task-" + std::string(33, 'a')));
    CHECK_FALSE(normalize_id("-7"));
}

TEST_CASE("quote sanitises and truncates", "[naming]") {
    CHECK(quote("abc") == "'abc'");
    CHECK(quote("") == "''");
    CHECK(quote("\x1b[31m") == "'?[31m'");
    CHECK(quote("a\nb\rc") == "'a?b?c'");
    CHECK(quote(std::string(40, 'x')) == "'" + std::string(40, 'x') + "'");
    CHECK(quote(std::string(41, 'x')) == "'" + std::string(40, 'x') + "...'");
    CHECK(quote(std::string(1000, 'x')).size() == 40 + 2 + 3);
    // A multi-byte character cut at the limit does not leave a broken sequence behind.
    std::string cut = quote(std::string(39, 'x') + "\xc3\xa9 tail");
    CHECK(porch::util::sanitize_for_terminal(cut) == cut);
    CHECK(cut.ends_with("...'"));
    CHECK(quote("caf\xc3\xa9") == "'caf\xc3\xa9'");
}

TEST_CASE("Template expands, names its prefix and matches back", "[naming]") {
    Template t("work/task-{id}-{desc}", "naming.branch");
    CHECK(t.text() == "work/task-{id}-{desc}");
    CHECK(t.expand("7", "api-endpoints") == "work/task-7-api-endpoints");
    CHECK(t.literal_prefix() == "work/task-");

    auto parts = t.match("work/task-7-api-endpoints");
    REQUIRE(parts);
    CHECK(parts->id == "7");
    CHECK(parts->desc == "api-endpoints");

    for (const char* name : {"work/task-7", "work/task-7-", "work/task-7-api-", "work/task--api",
                             "other/task-7-api", "work/task-7-api/x", "xwork/task-7-api",
                             "work/task-UP-api", "work/task-7-API", "work/task-7-a--b", ""}) {
        INFO(name);
        CHECK_FALSE(t.match(name));
    }
}

TEST_CASE("Template round trip", "[naming]") {
    const std::vector<std::string> templates = {
        "work/task-{id}-{desc}",
        "worktrees/task-{id}-{desc}",
        "porch/{id}/{desc}",
        "w/{id}_{desc}.d",
        "x/{id}x-{desc}",
        "task-{id}",
        "{id}",
        "a.b+c(d)[e]$^|?*\\/{id}-{desc}",
        "t-{id}-{desc}-end",
    };
    const std::vector<std::pair<std::string, std::string>> values = {
        {"7", "api"},
        {"auth", "login-flow"},
        {std::string(32, '9'), std::string(48, 'z')},
        {"a1", "b-2-c"},
        {"x", "x"},
        {"end", "end-end"},
    };
    for (const auto& text : templates) {
        Template t(text, "naming.branch");
        const bool has_desc = text.find("{desc}") != std::string::npos;
        for (const auto& [id, desc] : values) {
            std::string name = t.expand(id, desc);
            INFO(text << " -> " << name);
            CHECK(name.starts_with(t.literal_prefix()));
            auto parts = t.match(name);
            REQUIRE(parts);
            CHECK(parts->id == id);
            CHECK(parts->desc == (has_desc ? desc : ""));
        }
    }
}

TEST_CASE("Template regex metacharacters are literal", "[naming]") {
    Template t("wt/(x).{id}+{desc}", "naming.worktree");
    CHECK(t.literal_prefix() == "wt/(x).");
    CHECK(t.match("wt/(x).7+api"));
    CHECK_FALSE(t.match("wt/(x)a7+api"));
    CHECK_FALSE(t.match("wt/x.7+api"));
    CHECK_FALSE(t.match("wt/(x).7api"));
    CHECK(Template("{id}-x", "naming.branch").literal_prefix().empty());
}

TEST_CASE("Template rejects bad placeholders", "[naming]") {
    check_template_rejected("work/task", "{id} exactly once");
    check_template_rejected("", "{id} exactly once");
    check_template_rejected("work/{desc}", "{id} exactly once");
    check_template_rejected("{id}-{id}", "{id} exactly once");
    check_template_rejected("{id}-{desc}-{desc}", "{desc} at most once");
    check_template_rejected("{desc}-{id}", "{id} before {desc}");
    check_template_rejected("work/{id}-{name}", "unknown placeholder");
    check_template_rejected("work/{ID}", "unknown placeholder");
    check_template_rejected("work/{}-{id}", "unknown placeholder");
    check_template_rejected("work/{id", "unknown placeholder");
    check_template_rejected("work/{id}-{desc", "unknown placeholder");
    check_template_rejected("work/{feature}", "unknown placeholder");
    check_template_rejected("\x1b[31m{nope}", "unknown placeholder");
}

TEST_CASE("Template needs a separator between {id} and {desc}", "[naming]") {
    // Without one, "7" + "abc" and "7a" + "bc" give the same name: the id could not be recovered.
    check_template_rejected("work/{id}{desc}", "separate {id} from {desc}");
    check_template_rejected("work/{id}x{desc}", "separate {id} from {desc}");
    check_template_rejected("work/{id}42{desc}", "separate {id} from {desc}");
    CHECK_NOTHROW(Template("work/{id}-{desc}", "naming.branch"));
    CHECK_NOTHROW(Template("work/{id}/{desc}", "naming.branch"));
    CHECK_NOTHROW(Template("work/{id}.x{desc}", "naming.branch"));
}
