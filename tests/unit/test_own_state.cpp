// A worker's state is its own (issue 16, items 1 to 5): the worker view over real repositories
// where git's own tools (merge, cherry-pick, revert, reset) brought other workers' commits onto a
// worker's branch.
#include "model/message.hpp"
#include "model/record.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "ops/status/alerts.hpp"
#include "repo_fixture.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace porch;
using porch::test::RepoFixture;

namespace {

// Two workers spawned from one commit on main; task-1's commits are recorded as its hook would.
struct Team {
    RepoFixture repo;
    std::string base = repo.commit("Initial commit", {{"README", "hello\n"}});
    std::filesystem::path api = repo.spawn("1", "api");
    std::filesystem::path web = repo.spawn("3", "web");

    // Commits in `dir` and records it for `worker`, as post-commit does.
    std::string commit(const std::string& worker, const std::filesystem::path& dir,
                       const std::string& message, const test::Files& files = {}) {
        std::string id = repo.commit(message, files, dir);
        record(worker, id);
        return id;
    }
    void record(const std::string& worker, const std::string& id) {
        auto ctx = repo.context();
        git::Commit c = ctx.repo.commit(*git::Oid::from_hex(id));
        store::append(ctx.repo, model::commit_event(worker, c, "hook"));
    }
    model::WorkerStatus status(const std::string& worker) const {
        auto report = model::collect_status(repo.context());
        const auto* w = model::find_worker(report, worker);
        REQUIRE(w);
        return *w;
    }
};

} // namespace

TEST_CASE("item 1, 2: git's revert and cherry-pick -x lines name the commit",
          "[message][own-state]") {
    const std::string hex = "0123456789abcdef0123456789abcdef01234567";
    CHECK(protocol::reverted_commit("Revert \"[COMPLETE] x\"\n\nThis reverts commit " + hex +
                                    ".\n") == hex);
    CHECK(protocol::picked_from("[COMPLETE] x\n\n(cherry picked from commit " + hex + ")\n") ==
          hex);
    CHECK_FALSE(protocol::reverted_commit("[COMPLETE] x\n"));
    CHECK_FALSE(protocol::picked_from("(cherry picked from commit 0123)"));
}

TEST_CASE_METHOD(Team, "item 1: a fast-forward to another worker's commits is not the worker's",
                 "[worker][own-state]") {
    commit("task-1", api, "[COMPLETE] Routes", {{"routes", "1\n"}});
    repo.git({"merge", "-q", "--ff-only", "work/task-1-api"}, web);
    auto w = status("task-3");
    CHECK(w.state == model::WorkerState::fresh);
    CHECK(w.unrecorded == 0);
    CHECK_FALSE(w.unsure);
    CHECK(status("task-1").state == model::WorkerState::complete);
}

TEST_CASE_METHOD(Team, "item 1: a cherry-picked [COMPLETE] is not the picker's",
                 "[worker][own-state]") {
    commit("task-3", web, "[CHECKPOINT] Page");
    const std::string original = commit("task-1", api, "[COMPLETE] Routes", {{"routes", "1\n"}});
    SECTION("plain") {
        repo.git({"cherry-pick", original}, web);
    }
    SECTION("with -x") {
        repo.git({"cherry-pick", "-x", original}, web);
    }
    // The picker's post-commit records the copy as its own commit.
    record("task-3", repo.git_line({"rev-parse", "HEAD"}, web));
    CHECK(status("task-3").state == model::WorkerState::checkpoint);
}

TEST_CASE_METHOD(
    Team,
    "item 1: a protocol commit two branches share and no one recorded: the reflog, else unsure",
    "[worker][own-state]") {
    commit("task-3", web, "[CHECKPOINT] Page");
    const std::string shared = repo.commit("[BLOCKED:db] No database", {}, api);
    repo.git({"reset", "-q", "--hard", "work/task-1-api"}, web);
    // task-1's reflog says the commit was made there.
    CHECK(status("task-3").state == model::WorkerState::fresh);
    CHECK_FALSE(status("task-3").unsure);
    CHECK(status("task-1").state == model::WorkerState::blocked);
    // Without reflogs (expired, or branches fetched from elsewhere) nothing tells.
    repo.git({"reflog", "expire", "--expire=now", "--all"});
    auto w = status("task-3");
    REQUIRE(w.unsure);
    CHECK(w.unsure->id == shared);
    CHECK(w.state != model::WorkerState::blocked);
    auto alerts = ops::collect_alerts(repo.context(), model::collect_status(repo.context()), 0);
    CHECK(std::any_of(alerts.begin(), alerts.end(), [](const ops::Alert& a) {
        return a.kind == model::AlertKind::unsure_owner && a.worker == "task-3";
    }));
}

TEST_CASE_METHOD(Team, "item 2: a revert of a protocol commit takes its state back",
                 "[worker][own-state]") {
    commit("task-3", web, "[CHECKPOINT] Page");
    const std::string done = commit("task-3", web, "[COMPLETE] Page done", {{"page", "1\n"}});
    REQUIRE(status("task-3").state == model::WorkerState::complete);
    const std::string revert = repo.revert(done, web);
    record("task-3", revert);
    CHECK(status("task-3").state == model::WorkerState::checkpoint);
    record("task-3", repo.revert(revert, web));
    CHECK(status("task-3").state == model::WorkerState::complete);
}

TEST_CASE_METHOD(Team, "item 3: a worker fast-forwarded into the base is not a stray commit",
                 "[alerts][own-state]") {
    commit("task-1", api, "[COMPLETE] Routes", {{"routes", "1\n"}});
    repo.git({"merge", "-q", "--ff-only", "work/task-1-api"});
    auto kinds = [&] {
        std::vector<model::AlertKind> out;
        for (const auto& a :
             ops::collect_alerts(repo.context(), model::collect_status(repo.context()), 0))
            out.push_back(a.kind);
        return out;
    };
    auto before = kinds();
    CHECK(std::count(before.begin(), before.end(), model::AlertKind::wrong_branch_commit) == 0);
    repo.commit("[CHECKPOINT] Oops, on main");
    auto after = kinds();
    CHECK(std::count(after.begin(), after.end(), model::AlertKind::wrong_branch_commit) == 1);
}

TEST_CASE_METHOD(Team, "item 4: a NEEDS is met by what the branches have, not past events",
                 "[worker][own-state]") {
    commit("task-3", web, "[NEEDS:task-1/Routes] Need the routes");
    commit("task-1", api, "[CHECKPOINT] Start");
    auto met = [&] {
        auto report = model::collect_status(repo.context());
        const auto* w = model::find_worker(report, "task-3");
        REQUIRE(w);
        REQUIRE(w->needs.size() == 1);
        return model::need_met(repo.context().repo, *w, w->needs[0],
                               model::find_worker(report, "task-1"));
    };
    CHECK(met() == model::NeedMet::unmet);
    commit("task-1", api, "[CHECKPOINT] Add Routes", {{"routes", "1\n"}});
    CHECK(met() == model::NeedMet::committed);
    repo.git({"reset", "-q", "--hard", "HEAD~1"}, api);
    CHECK(met() == model::NeedMet::unmet);
    commit("task-1", api, "[CHECKPOINT] Add Routes again", {{"routes", "2\n"}});
    CHECK(met() == model::NeedMet::committed);
    record("task-3", repo.merge("work/task-1-api", web));
    CHECK(met() == model::NeedMet::merged);
}

TEST_CASE_METHOD(Team, "item 5: a worker keeps every worker it needed in its history",
                 "[worker][own-state]") {
    commit("task-3", web, "[NEEDS:task-1/Routes] Need the routes");
    commit("task-1", api, "[COMPLETE] Routes", {{"routes", "1\n"}});
    record("task-3", repo.merge("work/task-1-api", web));
    commit("task-3", web, "[COMPLETE] Page");
    auto w = status("task-3");
    CHECK(w.state == model::WorkerState::complete);
    CHECK(w.needs.empty());
    CHECK(w.past_needs == std::vector<std::string>{"task-1"});
}
