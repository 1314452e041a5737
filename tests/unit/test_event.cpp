// Event lines in worker notes: store::to_line, store::from_line, store::before.
#include "model/event.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

using namespace std::string_literals;
using porch::store::before;
using porch::store::Event;
using porch::store::from_line;
using porch::store::max_event_line;
using porch::store::max_lamport;
using porch::store::to_line;

namespace {

Event sample() {
    Event e;
    e.lamport = 42;
    e.time = 1795314600;
    e.clone = "0123456789abcdef";
    e.id = "fedcba9876543210";
    e.type = "spawned";
    e.worker = "task-7";
    e.fields["desc"] = "api-endpoints";
    e.fields["branch"] = "work/task-7-api-endpoints";
    e.fields["empty"] = "";
    e.fields["quoted"] = "say \"hi\" \\ back/slash";
    e.fields["unicode"] = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80";
    e.lists["needs"] = {"task-2", "task-3"};
    e.lists["scope"] = {"src/api/**", ""};
    e.lists["none"] = {};
    return e;
}

void check_same(const Event& a, const Event& b) {
    CHECK(a.lamport == b.lamport);
    CHECK(a.time == b.time);
    CHECK(a.clone == b.clone);
    CHECK(a.id == b.id);
    CHECK(a.type == b.type);
    CHECK(a.worker == b.worker);
    CHECK(a.fields == b.fields);
    CHECK(a.lists == b.lists);
}

// Every byte printable ASCII: no raw newline, no control character, nothing a terminal or a
// line-based merge could trip on.
bool printable_ascii(const std::string& line) {
    return std::all_of(line.begin(), line.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return c >= 0x20 && c < 0x7f;
    });
}

using Members = std::vector<std::pair<std::string, std::string>>;

const Members valid_members = {
    {"v", "1"},
    {"lc", "3"},
    {"t", "1700000000"},
    {"clone", "\"c1\""},
    {"id", "\"e1\""},
    {"type", "\"commit\""},
    {"worker", "\"task-1\""},
};

std::string object(const Members& members) {
    std::string s = "{";
    for (const auto& [k, v] : members) {
        if (s.size() > 1)
            s += ",";
        s += "\"" + k + "\":" + v;
    }
    return s + "}";
}

std::string with(const std::string& key, const std::string& value) {
    Members m = valid_members;
    bool found = false;
    for (auto& [k, v] : m)
        if (k == key) {
            v = value;
            found = true;
        }
    if (!found)
        m.emplace_back(key, value);
    return object(m);
}

std::string without(const std::string& key) {
    Members m;
    for (const auto& kv : valid_members)
        if (kv.first != key)
            m.push_back(kv);
    return object(m);
}

Event at(std::uint64_t lamport, std::int64_t time, std::string clone, std::string id) {
    Event e;
    e.lamport = lamport;
    e.time = time;
    e.clone = std::move(clone);
    e.id = std::move(id);
    e.type = "commit";
    e.worker = "task-1";
    return e;
}

} // namespace

TEST_CASE("an event survives to_line and from_line", "[event]") {
    const Event e = sample();
    const std::string line = to_line(e);
    INFO(line);
    CHECK(line.front() == '{');
    CHECK(line.back() == '}');
    CHECK(line.find("\"v\":1") != std::string::npos);
    CHECK(printable_ascii(line));
    auto back = from_line(line);
    REQUIRE(back);
    check_same(*back, e);
    CHECK(to_line(*back) == line); // deterministic
    CHECK(back->field("desc") == "api-endpoints");
    CHECK(back->field("missing").empty());
}

TEST_CASE("an event without fields survives too", "[event]") {
    Event e = at(1, 0, "c", "i");
    auto back = from_line(to_line(e));
    REQUIRE(back);
    check_same(*back, e);
    Event big = at(max_lamport, -1, "c", "i");
    auto back_big = from_line(to_line(big));
    REQUIRE(back_big);
    CHECK(back_big->lamport == max_lamport);
    CHECK(back_big->time == -1);
    // Beyond it a clock is forged or corrupt: the next event's clock would overflow.
    CHECK_FALSE(from_line(to_line(at(max_lamport + 1, 0, "c", "i"))));
    CHECK_FALSE(from_line(to_line(at(18446744073709551615ULL, 0, "c", "i"))));
}

TEST_CASE("from_line reads a hand-written line", "[event]") {
    auto e = from_line(with("sha", "\"abc\""));
    REQUIRE(e);
    CHECK(e->lamport == 3);
    CHECK(e->time == 1700000000);
    CHECK(e->clone == "c1");
    CHECK(e->id == "e1");
    CHECK(e->type == "commit");
    CHECK(e->worker == "task-1");
    CHECK(e->fields == std::map<std::string, std::string>{{"sha", "abc"}});
    CHECK(e->lists.empty());
}

TEST_CASE("from_line ignores value types it does not know", "[event]") {
    auto e = from_line(object({{"v", "1"},
                               {"lc", "3"},
                               {"t", "1"},
                               {"clone", "\"c\""},
                               {"id", "\"i\""},
                               {"type", "\"x\""},
                               {"worker", "\"task-1\""},
                               {"n", "5"},
                               {"b", "true"},
                               {"o", "{\"a\":\"b\"}"},
                               {"z", "null"},
                               {"mixed", "[\"a\",1,null,\"b\",[]]"}}));
    REQUIRE(e);
    CHECK(e->fields.empty());
    CHECK(e->lists == std::map<std::string, std::vector<std::string>>{{"mixed", {"a", "b"}}});
}

TEST_CASE("from_line rejects other format versions", "[event]") {
    REQUIRE(from_line(object(valid_members)));
    for (const char* v : {"2", "0", "-1", "\"1\"", "1.0", "true", "null", "[1]", "4294967297",
                          "18446744073709551615", "1e0"}) {
        INFO("v = " << v);
        CHECK_FALSE(from_line(with("v", v)));
    }
    CHECK_FALSE(from_line(without("v")));
}

TEST_CASE("from_line rejects missing or ill-typed required keys", "[event]") {
    for (const char* key : {"lc", "t", "clone", "id", "type", "worker"}) {
        INFO("without " << key);
        CHECK_FALSE(from_line(without(key)));
    }
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"lc", "-1"}, {"lc", "\"3\""},  {"lc", "1.5"},       {"lc", "null"},     {"t", "\"now\""},
        {"t", "1.5"}, {"t", "true"},    {"clone", "5"},      {"clone", "null"},  {"id", "\"\""},
        {"id", "7"},  {"type", "\"\""}, {"type", "[\"x\"]"}, {"worker", "null"}, {"worker", "1"},
    };
    for (const auto& [k, v] : bad) {
        INFO(k << " = " << v);
        CHECK_FALSE(from_line(with(k, v)));
    }
}

TEST_CASE("from_line rejects what is not one JSON object", "[event]") {
    const std::string good = object(valid_members);
    for (const std::string& line :
         {""s, "not json"s, "{"s, "}"s, "{\"v\":1"s, "[1,2]"s, "null"s, "42"s, "\"str\""s, "{}"s,
          " " + good, good + " trailing", good + "}", good + good, "\xef\xbb\xbf" + good,
          good.substr(0, good.size() - 1)}) {
        INFO(line);
        CHECK_FALSE(from_line(line));
    }
}

TEST_CASE("oversized lines are rejected", "[event]") {
    Event e = at(1, 1, "c", "i");
    e.fields["pad"] = "";
    const std::size_t base = to_line(e).size();
    REQUIRE(base < max_event_line);
    e.fields["pad"] = std::string(max_event_line - base, 'x');
    const std::string line = to_line(e);
    REQUIRE(line.size() == max_event_line);
    CHECK(from_line(line)); // the limit itself is fine

    std::string longer = line;
    longer.insert(longer.find("\"pad\":\"") + 7, "x");
    REQUIRE(longer.size() == max_event_line + 1);
    CHECK_FALSE(from_line(longer));
    CHECK_FALSE(from_line(with("pad", "\"" + std::string(100000, 'x') + "\"")));

    SECTION("to_line refuses to write a line from_line would drop") {
        e.fields["pad"] += "x";
        CHECK_THROWS_AS(to_line(e), porch::Error);
        Event lists = at(1, 1, "c", "i");
        lists.lists["scope"] = std::vector<std::string>(1000, "src/some/path/**");
        CHECK_THROWS_AS(to_line(lists), porch::Error);
    }
}

TEST_CASE("to_line never writes a raw newline or control character", "[event]") {
    Event e = at(1, 1, "clone\n", "id\r");
    e.type = "type\x1b[31m";
    e.worker = "task-1\a";
    e.fields["subject"] = "line one\nline two\r\n\ttab\x1b[2J\x7f\0nul \xc2\x9b \xe2\x80\xae end"s;
    e.fields["key\nwith\x01newline"] = "v";
    e.lists["items"] = {"a\nb", "\x1b]0;x\a", "\x7f"};
    const std::string line = to_line(e);
    INFO(line);
    CHECK(printable_ascii(line));
    auto back = from_line(line);
    REQUIRE(back);
    check_same(*back, e); // escaped, not lost

    SECTION("invalid UTF-8 is replaced, not written raw") {
        Event bad = at(1, 1, "c", "i");
        bad.fields["subject"] = "caf\xe9 \xff\xfe \xc0\xaf";
        std::string l;
        REQUIRE_NOTHROW(l = to_line(bad));
        CHECK(printable_ascii(l));
        auto b = from_line(l);
        REQUIRE(b);
        CHECK(b->fields["subject"].find("\xef\xbf\xbd") != std::string::npos); // U+FFFD
        CHECK(b->fields["subject"].starts_with("caf"));
    }
}

TEST_CASE("fields cannot overwrite the event's own keys", "[event]") {
    for (const char* key : {"v", "lc", "t", "clone", "id", "type", "worker"}) {
        INFO(key);
        Event f = at(1, 1, "c", "i");
        f.fields[key] = "2";
        CHECK_THROWS_AS(to_line(f), porch::Error);
        Event l = at(1, 1, "c", "i");
        l.lists[key] = {"2"};
        CHECK_THROWS_AS(to_line(l), porch::Error);
    }
    Event both = at(1, 1, "c", "i");
    both.fields["x"] = "a";
    both.lists["x"] = {"b"};
    CHECK_THROWS_AS(to_line(both), porch::Error);
}

TEST_CASE("before orders by lamport, time, clone, id", "[event]") {
    CHECK(before(at(1, 500, "z", "z"), at(2, 100, "a", "a")));
    CHECK_FALSE(before(at(2, 100, "a", "a"), at(1, 500, "z", "z")));
    CHECK(before(at(1, 100, "z", "z"), at(1, 200, "a", "a")));
    CHECK(before(at(1, 100, "a", "z"), at(1, 100, "b", "a")));
    CHECK(before(at(1, 100, "a", "a"), at(1, 100, "a", "b")));
    CHECK_FALSE(before(at(1, 100, "a", "a"), at(1, 100, "a", "a")));
    // type, worker and fields do not take part.
    Event x = at(1, 1, "c", "i"), y = at(1, 1, "c", "i");
    y.type = "aaa";
    y.fields["k"] = "v";
    CHECK_FALSE(before(x, y));
    CHECK_FALSE(before(y, x));

    std::vector<Event> events = {at(3, 1, "a", "a"), at(1, 9, "b", "b"), at(2, 5, "a", "c"),
                                 at(1, 9, "a", "z"), at(1, 9, "a", "y"), at(1, 2, "z", "z")};
    std::sort(events.begin(), events.end(), before);
    std::vector<std::string> ids;
    for (const auto& e : events)
        ids.push_back(e.id);
    CHECK(ids == std::vector<std::string>{"z", "y", "z", "b", "c", "a"});
    CHECK(events[0].clone == "z");
    CHECK(events[1].clone == "a");
}
