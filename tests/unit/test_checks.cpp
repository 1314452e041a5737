// QA's checks (model/checks.hpp): which checks a worker needs, what the newest verdicts say of its
// tip, when it has failed; and the verdict events (model/events.hpp) old and new clones read.
#include "model/checks.hpp"
#include "model/events.hpp"

#include <catch2/catch.hpp>

using namespace porch;
using model::QaVerdict;

namespace {

const std::string tip(40, 'a');
const std::string old_tip(40, 'b');

config::Config with_checks(std::vector<std::string> checks,
                           std::map<std::string, std::vector<std::string>> paths = {}) {
    config::Config c;
    c.qa_checks = std::move(checks);
    c.qa_check_paths = std::move(paths);
    return c;
}

std::vector<std::string> names(const std::vector<model::RequiredCheck>& required) {
    std::vector<std::string> out;
    for (const auto& r : required)
        out.push_back(r.check);
    return out;
}

model::NewestVerdict verdict(QaVerdict v, std::uint64_t lamport, const std::string& check = "qa",
                             const std::string& commit = tip, const std::string& reason = "") {
    return {model::QaEvent{v, reason, commit, check}, lamport};
}

model::WorkerStatus complete_worker(std::int64_t attempts = 0) {
    model::WorkerStatus w;
    w.worker = "task-1";
    w.state = model::WorkerState::complete;
    w.last_commit.id = tip;
    w.attempts = attempts;
    return w;
}

} // namespace

TEST_CASE("required checks: every listed one, a path-limited one where scope or changes meet "
          "its paths",
          "[checks]") {
    int asked = 0;
    auto changes = [&](std::vector<std::string> files) {
        return [&asked, files] {
            ++asked;
            return files;
        };
    };
    CHECK(model::required_checks({}, {"web"}, changes({"web/a.ts"})).empty());

    config::Config required;
    required.qa_required = true;
    auto only_qa = model::required_checks(required, {}, changes({}));
    REQUIRE(only_qa.size() == 1);
    CHECK(only_qa[0].check == "qa");
    CHECK(only_qa[0].by == "qa.required");

    auto c = with_checks({"qa", "e2e"}, {{"e2e", {"web/**", "ui"}}});
    // The scope decides without reading the changes.
    auto by_scope = model::required_checks(c, {"web/components"}, changes({}));
    CHECK(names(by_scope) == std::vector<std::string>{"qa", "e2e"});
    CHECK(by_scope[0].by == "qa.checks");
    CHECK(by_scope[1].by == "qa.paths: its scope web/components meets web/**");
    CHECK(asked == 0);
    CHECK(names(model::required_checks(c, {"ui/button.tsx"}, changes({}))) ==
          std::vector<std::string>{"qa", "e2e"});
    // A scope elsewhere: the files it changed decide.
    CHECK(names(model::required_checks(c, {"src/api"}, changes({"src/api/x.py"}))) ==
          std::vector<std::string>{"qa"});
    CHECK(asked == 1);
    auto by_change = model::required_checks(c, {"src/api"}, changes({"src/api/x.py", "ui/a.css"}));
    CHECK(names(by_change) == std::vector<std::string>{"qa", "e2e"});
    CHECK(by_change[1].by == "qa.paths: it changed ui/a.css");
    // A scope of everything (or none) says nothing: only changes count.
    CHECK(names(model::required_checks(c, {"."}, changes({"README"}))) ==
          std::vector<std::string>{"qa"});
    CHECK(names(model::required_checks(c, {}, changes({"web/x/y.ts"}))) ==
          std::vector<std::string>{"qa", "e2e"});
    // No changes to ask (a worker known from its events alone): only the scope.
    CHECK(names(model::required_checks(c, {"src"}, {})) == std::vector<std::string>{"qa"});
}

TEST_CASE("verdicts: each check's newest verdict on the tip; pending without one", "[checks]") {
    auto w = complete_worker();
    model::apply_verdicts({}, 0, {}, 3, w);
    CHECK(w.qa == QaVerdict::pending);
    CHECK(w.checks.empty()); // nothing required, nothing judged
    CHECK_FALSE(w.failure);

    std::vector<model::RequiredCheck> required{{"qa", "qa.checks"}, {"e2e", "qa.checks"}};
    std::map<std::string, model::NewestVerdict> newest{
        {"qa", verdict(QaVerdict::approved, 4)},
        {"e2e", verdict(QaVerdict::blocked, 5, "e2e", tip, "no browser")},
        {"lint", verdict(QaVerdict::rejected, 6, "lint", old_tip, "tabs")}};
    model::apply_verdicts(newest, 0, required, 3, w);
    REQUIRE(w.checks.size() == 2); // lint judged an older commit: it says nothing now
    CHECK(w.checks[0].check == "qa");
    CHECK(w.checks[0].verdict == QaVerdict::approved);
    CHECK(w.checks[1].check == "e2e");
    CHECK(w.checks[1].verdict == QaVerdict::blocked);
    CHECK(w.checks[1].reason == "no browser");
    CHECK(w.qa == QaVerdict::approved);
    auto holding = model::holding_checks(w);
    REQUIRE(holding.size() == 1);
    CHECK(holding[0]->check == "e2e");

    // A check with a verdict on the tip is listed even when not required; pending ones only
    // when required.
    newest["lint"] = verdict(QaVerdict::rejected, 7, "lint", tip, "tabs");
    newest.erase("e2e");
    model::apply_verdicts(newest, 0, required, 3, w);
    REQUIRE(w.checks.size() == 3);
    CHECK(w.checks[1].verdict == QaVerdict::pending);
    CHECK(w.checks[2].check == "lint");
    CHECK_FALSE(w.checks[2].required);
    CHECK(model::holding_checks(w).size() == 2);

    // Not complete: no verdict is pending; QA's own blocked verdict is QA's state, with its reason.
    w.state = model::WorkerState::checkpoint;
    model::apply_verdicts({{"qa", verdict(QaVerdict::blocked, 2, "qa", tip, "CI down")}}, 0, {}, 3,
                          w);
    CHECK(w.qa == QaVerdict::blocked);
    CHECK(w.qa_reason == "CI down");
    w.last_commit.id = old_tip;
    model::apply_verdicts({{"qa", verdict(QaVerdict::blocked, 2, "qa", tip, "CI down")}}, 0, {}, 3,
                          w);
    CHECK(w.qa == QaVerdict::none);
    CHECK(w.qa_reason.empty());
}

TEST_CASE("failed: rejected after its newest retry, with every attempt used", "[checks]") {
    std::map<std::string, model::NewestVerdict> rejected{
        {"qa", verdict(QaVerdict::rejected, 10, "qa", tip, "still broken")}};
    SECTION("attempts left: rejected, not failed") {
        auto w = complete_worker(1);
        model::apply_verdicts(rejected, 5, {}, 2, w);
        CHECK(w.qa == QaVerdict::rejected);
        CHECK_FALSE(w.failure);
    }
    SECTION("no attempt left, and the rejection came after the last retry: failed") {
        auto w = complete_worker(2);
        model::apply_verdicts(rejected, 5, {}, 2, w);
        REQUIRE(w.failure);
        CHECK(w.failure->check == "qa");
        CHECK(w.failure->reason == "still broken");
        CHECK(w.failure->attempts == 2);
        CHECK(w.failure->allowed == 2);
        CHECK(model::failure_summary(w) == "QA rejected it after 2 attempts "
                                           "(parallelization.retry_on_failure = 2): still broken");
        CHECK_THAT(model::failure_action(w), Catch::Matchers::EndsWith("git porch retry task-1"));
    }
    SECTION("the last retry answered that rejection: its last attempt is under way") {
        auto w = complete_worker(2);
        model::apply_verdicts(rejected, 11, {}, 2, w);
        CHECK(w.qa == QaVerdict::rejected);
        CHECK_FALSE(w.failure);
    }
    SECTION("retry_on_failure = 0: the first rejection is final") {
        auto w = complete_worker(0);
        model::apply_verdicts(rejected, 0, {}, 0, w);
        CHECK(w.failure);
    }
    SECTION("a new commit, or a later approval, is no failure") {
        auto w = complete_worker(2);
        w.last_commit.id = old_tip;
        model::apply_verdicts(rejected, 5, {}, 2, w);
        CHECK_FALSE(w.failure);
        CHECK(w.qa == QaVerdict::pending);
        w.last_commit.id = tip;
        model::apply_verdicts({{"qa", verdict(QaVerdict::approved, 12)}}, 5, {}, 2, w);
        CHECK_FALSE(w.failure);
    }
    SECTION("a blocked verdict is no failure; another check's rejection is") {
        auto w = complete_worker(2);
        model::apply_verdicts({{"qa", verdict(QaVerdict::blocked, 10, "qa", tip, "no CI")}}, 5, {},
                              2, w);
        CHECK_FALSE(w.failure);
        model::apply_verdicts({{"e2e", verdict(QaVerdict::rejected, 10, "e2e", tip, "layout")}}, 5,
                              {}, 2, w);
        REQUIRE(w.failure);
        CHECK(w.failure->check == "e2e");
        CHECK_THAT(model::failure_summary(w), Catch::Matchers::StartsWith("e2e rejected it"));
    }
}

TEST_CASE("verdict events: QA's own approve and reject as ever, the rest as qa-check",
          "[checks][event]") {
    auto round_trip = [](const model::QaEvent& e) {
        store::Event written = e.encode("task-1");
        written.clone = "c";
        written.id = "i";
        written.lamport = 1;
        auto back = store::from_line(store::to_line(written));
        REQUIRE(back);
        return std::pair(*back, model::QaEvent::decode(*back));
    };
    auto [approved, a] = round_trip({QaVerdict::approved, "", tip, "qa"});
    CHECK(approved.type == "qa");
    CHECK_FALSE(approved.fields.count("check")); // exactly what older clones wrote and read
    CHECK(a.verdict == QaVerdict::approved);
    CHECK(a.check == "qa");
    auto [rejected, r] = round_trip({QaVerdict::rejected, "why", tip, "qa"});
    CHECK(rejected.type == "qa");
    CHECK(r.reason == "why");
    // Older clones skip qa-check events: they would take e2e's approval for QA's, and a block
    // for no verdict.
    auto [blocked, b] = round_trip({QaVerdict::blocked, "no CI", tip, "qa"});
    CHECK(blocked.type == "qa-check");
    CHECK(blocked.field("check") == "qa");
    CHECK(b.verdict == QaVerdict::blocked);
    CHECK(b.check == "qa");
    auto [e2e, e] = round_trip({QaVerdict::approved, "", tip, "e2e"});
    CHECK(e2e.type == "qa-check");
    CHECK(e.check == "e2e");
    CHECK(e.verdict == QaVerdict::approved);

    // Read strictly: only the three verdicts, only check names; anything else is no verdict.
    auto read = [](const std::string& type, std::map<std::string, std::string> fields) {
        store::Event ev;
        ev.type = type;
        ev.worker = "task-1";
        ev.fields = std::move(fields);
        return model::QaEvent::decode(ev);
    };
    CHECK(read("qa", {{"verdict", "pending"}, {"commit", tip}}).verdict == QaVerdict::none);
    CHECK(read("qa", {{"verdict", ""}, {"commit", tip}}).verdict == QaVerdict::none);
    CHECK(read("qa-check", {{"verdict", "approved"}, {"check", "E2E"}}).verdict == QaVerdict::none);
    CHECK(read("qa-check", {{"verdict", "approved"}}).verdict == QaVerdict::none);
    // A qa event's check is QA's, whatever a field says.
    CHECK(read("qa", {{"verdict", "approved"}, {"check", "e2e"}}).check == "qa");
    CHECK(read("qa", {{"verdict", "blocked"}}).verdict == QaVerdict::blocked);
}
