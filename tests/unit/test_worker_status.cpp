// The worker view (model::collect_status) over real repositories: state from protocol commits,
// recorded in the notes or read from git, commits ahead of the base, and what spawn declared.
#include "model/events.hpp"
#include "model/record.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "ops/qa/qa.hpp"
#include "repo_fixture.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace porch;
using porch::test::Files;
using porch::test::first_commit_time;
using porch::test::RepoFixture;

namespace {

// One commit on main, and worker task-1 spawned from it.
struct Spawned {
    RepoFixture repo;
    std::string base = repo.commit("Initial commit", {{"README", "hello\n"}});
    std::filesystem::path worktree = repo.spawn("1", "api", {"task-2"}, {"./src/api/", "docs"});
};

model::WorkerStatus status_of(const RepoFixture& repo, const std::string& worker = "task-1") {
    auto report = model::collect_status(repo.context(), worker);
    REQUIRE(report.workers.size() == 1);
    return report.workers.front();
}

// What post-commit writes for `commit` of `worker`: its commit event, with the count ahead of
// the worker's base.
void record(const RepoFixture& repo, const std::string& worker, const std::string& commit,
            const std::string& base) {
    auto ctx = repo.context();
    git::Commit c = ctx.repo.commit(*git::Oid::from_hex(commit));
    store::Event event = model::commit_event(worker, c, "hook");
    event.fields["ahead"] =
        std::to_string(model::ahead_after(ctx.repo, c, {}, git::Oid::from_hex(base)));
    store::append(ctx.repo, event);
}

} // namespace

TEST_CASE_METHOD(Spawned, "a spawned worker is new, with what spawn declared", "[worker]") {
    auto report = model::collect_status(repo.context());
    CHECK(report.base_branch == "main");
    REQUIRE(report.workers.size() == 1);
    const auto& w = report.workers.front();
    CHECK(w.worker == "task-1");
    CHECK(w.id == "1");
    CHECK(w.desc == "api");
    CHECK(w.branch == "work/task-1-api");
    CHECK(w.worktree == (repo.path() / "worktrees/task-1-api").string());
    CHECK_FALSE(w.worktree_missing);
    CHECK(w.state == model::WorkerState::fresh);
    CHECK(w.commits_ahead == 0);
    CHECK(w.unrecorded == 0);
    CHECK(w.state_time == 0);
    CHECK(w.last_commit.id == base);
    CHECK(w.last_commit.subject == "Initial commit");
    CHECK(w.last_commit.time == first_commit_time);
    REQUIRE(w.spawn_base);
    CHECK(w.spawn_base->hex() == base);
    CHECK(w.scope == std::vector<std::string>{"src/api/", "docs"});
    CHECK(w.declared_needs == std::vector<std::string>{"task-2"});
    CHECK(w.qa == model::QaVerdict::none);
    CHECK(w.local);
    CHECK_FALSE(w.remote_only);
    CHECK_FALSE(report.clone.empty());
    CHECK(w.clone == report.clone);
}

TEST_CASE_METHOD(Spawned, "an unrecorded protocol commit sets the state, read from git",
                 "[worker]") {
    const std::int64_t when = repo.now();
    SECTION("CHECKPOINT") {
        repo.commit("[CHECKPOINT] Add the model", {{"src/api/model.cpp", "int x;\n"}}, worktree);
        auto w = status_of(repo);
        CHECK(w.state == model::WorkerState::checkpoint);
        CHECK(w.last_commit.subject == "[CHECKPOINT] Add the model");
        CHECK(w.qa == model::QaVerdict::none);
    }
    SECTION("BLOCKED") {
        repo.commit("[BLOCKED:spec-missing] Need the spec", {}, worktree);
        auto w = status_of(repo);
        CHECK(w.state == model::WorkerState::blocked);
        CHECK(w.reason == "spec-missing");
    }
    SECTION("NEEDS") {
        repo.commit("[NEEDS:task-2/Thing] Waiting for the thing", {}, worktree);
        auto w = status_of(repo);
        CHECK(w.state == model::WorkerState::needs);
        REQUIRE(w.needs.size() == 1);
        CHECK(w.needs[0].worker == "task-2");
        CHECK(w.needs[0].item == "Thing");
    }
    SECTION("COMPLETE") {
        repo.commit("[COMPLETE] The API is done", {{"src/api/api.cpp", "int y;\n"}}, worktree);
        auto w = status_of(repo);
        CHECK(w.state == model::WorkerState::complete);
        CHECK(w.qa == model::QaVerdict::pending);
    }
    auto w = status_of(repo);
    CHECK(w.commits_ahead == 1);
    CHECK(w.unrecorded == 1);
    CHECK(w.state_time == when);
    CHECK(w.last_commit.time == when);
}

TEST_CASE_METHOD(Spawned, "the newest protocol commit on the branch sets the state and its time",
                 "[worker]") {
    repo.commit("[BLOCKED:spec] Waiting", {}, worktree);
    const std::int64_t checkpoint_time = repo.now();
    repo.commit("[CHECKPOINT] Got the spec", {}, worktree);
    const std::int64_t tidy_time = repo.now();
    repo.commit("Tidy up", {{"notes.txt", "x\n"}}, worktree);

    auto w = status_of(repo);
    CHECK(w.state == model::WorkerState::checkpoint);
    CHECK(w.reason.empty());
    CHECK(w.state_time == checkpoint_time);
    CHECK(w.last_commit.subject == "Tidy up");
    CHECK(w.last_commit.time == tidy_time);
    CHECK(w.commits_ahead == 3);
    // Every commit since the newest recorded one (here the base) is counted, as reindex records
    // them (issue 16 item 7); the state is still the newest protocol commit's.
    CHECK(w.unrecorded == 3);
}

TEST_CASE_METHOD(Spawned, "recorded commits are read from the notes, not from git", "[worker]") {
    const std::int64_t first_time = repo.now();
    const std::string first = repo.commit("[CHECKPOINT] First", {{"a", "1\n"}}, worktree);
    record(repo, "task-1", first, base);
    const std::int64_t needs_time = repo.now();
    const std::string second =
        repo.commit("[NEEDS:task-2/Schema] Waiting for the schema", {{"b", "2\n"}}, worktree);
    record(repo, "task-1", second, base);

    auto w = status_of(repo);
    CHECK(w.unrecorded == 0);
    CHECK(w.unvalidated == 0);
    CHECK(w.state == model::WorkerState::needs);
    REQUIRE(w.needs.size() == 1);
    CHECK(w.needs[0].worker == "task-2");
    CHECK(w.needs[0].item == "Schema");
    CHECK(w.state_time == needs_time);
    CHECK(w.commits_ahead == 2);
    CHECK(w.last_commit.id == second);
    std::vector<std::pair<std::int64_t, std::string>> subjects = {
        {first_time, "[CHECKPOINT] First"},
        {needs_time, "[NEEDS:task-2/Schema] Waiting for the schema"}};
    std::vector<std::pair<std::int64_t, std::string>> got;
    for (const auto& r : w.subjects)
        got.emplace_back(r.time, r.subject);
    std::sort(got.begin(), got.end());
    CHECK(got == subjects);

    SECTION("a commit made with the hooks off is read from git down to the recorded one") {
        repo.commit("Hooks were off", {{"c", "3\n"}}, worktree);
        auto later = status_of(repo);
        CHECK(later.unrecorded == 1);
        CHECK(later.state == model::WorkerState::needs);
        CHECK(later.state_time == needs_time);
        CHECK(later.commits_ahead == 3);
    }
    SECTION("a recorded commit that broke the protocol counts as unvalidated") {
        const std::string bad = repo.commit("no tag here", {}, worktree);
        record(repo, "task-1", bad, base);
        auto later = status_of(repo);
        CHECK(later.unvalidated == 1);
        CHECK(later.unrecorded == 0);
        CHECK(later.state == model::WorkerState::needs);
    }
}

TEST_CASE_METHOD(Spawned, "reindex records what the hooks missed, once", "[worker][reindex]") {
    repo.commit("[CHECKPOINT] One", {{"a", "1\n"}}, worktree);
    repo.commit("[COMPLETE] Two", {{"b", "2\n"}}, worktree);
    REQUIRE(status_of(repo).unrecorded == 2); // item 7: both, as reindex records them

    auto ctx = repo.context();
    auto first = model::reindex(ctx);
    REQUIRE(first.size() == 1);
    CHECK(first[0].worker == "task-1");
    CHECK(first[0].commits_added == 2);
    CHECK_FALSE(first[0].spawned_added);

    auto w = status_of(repo);
    CHECK(w.unrecorded == 0);
    CHECK(w.state == model::WorkerState::complete);
    CHECK(w.commits_ahead == 2);
    CHECK(w.subjects.size() == 2);

    auto again = model::reindex(ctx);
    REQUIRE(again.size() == 1);
    CHECK(again[0].commits_added == 0);
    CHECK_FALSE(again[0].spawned_added);
    CHECK(store::read(ctx.repo, "task-1").size() == 3); // spawned + two commits
}

TEST_CASE("reindex adopts a worker branch made without porch", "[worker][reindex]") {
    RepoFixture repo;
    const std::string base = repo.commit("Initial commit", {{"README", "hello\n"}});
    repo.git({"checkout", "--quiet", "-b", "work/task-5-old"});
    repo.commit("[CHECKPOINT] Old work", {{"old.txt", "1\n"}});
    repo.commit("[BLOCKED:review] Wait for review", {{"old.txt", "2\n"}});
    repo.checkout("main");
    repo.commit("Main moves on", {{"README", "hello again\n"}});

    auto ctx = repo.context();
    auto results = model::reindex(ctx, "task-5");
    REQUIRE(results.size() == 1);
    CHECK(results[0].spawned_added);
    CHECK(results[0].commits_added == 2);

    auto events = store::read(ctx.repo, "task-5");
    REQUIRE(events.size() == 3);
    CHECK(events[0].type == "spawned");
    CHECK(events[0].field("source") == "reindex");
    CHECK(events[0].field("base") == base);
    CHECK(events[0].time == first_commit_time + 60); // dated at its first commit

    auto w = status_of(repo, "task-5");
    CHECK(w.state == model::WorkerState::blocked);
    CHECK(w.reason == "review");
    CHECK(w.unrecorded == 0);
    CHECK(w.commits_ahead == 2);
    REQUIRE(w.spawn_base);
    CHECK(w.spawn_base->hex() == base);
    CHECK_FALSE(w.worktree);

    CHECK_THROWS_AS(model::reindex(ctx, "task-9"), Error);
}

TEST_CASE("reindex of many workers writes one notes commit", "[worker][reindex]") {
    RepoFixture repo;
    repo.commit("Initial commit", {{"README", "hello\n"}});
    for (const std::string n : {"3", "4", "5"}) {
        repo.git({"checkout", "--quiet", "-b", "work/task-" + n + "-old", "main"});
        repo.commit("[CHECKPOINT] Work " + n, {{"f" + n, n + "\n"}});
    }
    repo.checkout("main");
    auto ctx = repo.context();
    store::Event start;
    start.worker = std::string(store::session_worker);
    start.type = "checkpoint";
    store::append(ctx.repo, start);
    const auto before = ctx.repo.ref_target(store::notes_ref_name);
    REQUIRE(before);

    auto results = model::reindex(ctx);
    CHECK(results.size() == 3);
    const auto after = ctx.repo.ref_target(store::notes_ref_name);
    REQUIRE(after);
    CHECK(repo.git_line({"rev-parse", after->hex() + "^"}) == before->hex());
    for (const std::string n : {"3", "4", "5"}) {
        auto events = store::read(ctx.repo, "task-" + n);
        REQUIRE(events.size() == 2);
        CHECK(events[0].type == "spawned");
        CHECK(events[1].field("subject") == "[CHECKPOINT] Work " + n);
    }
}

TEST_CASE_METHOD(Spawned, "a worker merged into the base is no longer ahead", "[worker]") {
    repo.commit("[CHECKPOINT] Part one", {{"a", "1\n"}}, worktree);
    const std::string done = repo.commit("[COMPLETE] Done", {{"b", "2\n"}}, worktree);
    REQUIRE(status_of(repo).commits_ahead == 2);

    repo.merge("work/task-1-api");
    auto w = status_of(repo);
    CHECK(w.commits_ahead == 0);
    CHECK(w.state == model::WorkerState::complete);
    CHECK(w.last_commit.id == done);
}

TEST_CASE_METHOD(Spawned, "a worker that merged the base in keeps its state", "[worker]") {
    const std::int64_t checkpoint_time = repo.now();
    repo.commit("[CHECKPOINT] Own work", {{"a", "1\n"}}, worktree);
    repo.commit("Main moves on", {{"README", "hello again\n"}});
    repo.commit("Main moves again", {{"README", "hello a third time\n"}});
    repo.merge("main", worktree);

    auto w = status_of(repo);
    CHECK(w.last_commit.subject == "Merge branch 'main' into work/task-1-api");
    CHECK(w.commits_ahead == 2); // its checkpoint and the merge, not main's two commits
    CHECK(w.state == model::WorkerState::checkpoint);
    CHECK(w.state_time == checkpoint_time);
    CHECK(w.unrecorded == 2);
}

TEST_CASE_METHOD(Spawned, "a worker rebased onto a newer base", "[worker]") {
    const std::string one = repo.commit("[CHECKPOINT] One", {{"a", "1\n"}}, worktree);
    record(repo, "task-1", one, base);
    const std::string two = repo.commit("[BLOCKED:review] Two", {{"b", "2\n"}}, worktree);
    record(repo, "task-1", two, base);
    repo.commit("Main moves on", {{"README", "hello again\n"}});
    const std::int64_t rebase_time = repo.now();
    const std::string tip = repo.rebase("main", worktree);
    REQUIRE(tip != two);

    auto w = status_of(repo);
    CHECK(w.last_commit.id == tip);
    CHECK(w.commits_ahead == 2);
    CHECK(w.state == model::WorkerState::blocked);
    CHECK(w.reason == "review");
    CHECK(w.state_time == rebase_time); // the rebased commit's committer time
    CHECK(w.unrecorded == 2);           // both rebased commits are new to the notes
}

TEST_CASE("workers come in id order, and only the one asked for", "[worker]") {
    RepoFixture repo;
    repo.commit("Initial commit", {{"README", "hello\n"}});
    for (const char* id : {"10", "api", "2", "1"})
        repo.spawn(id, "w");

    auto report = model::collect_status(repo.context());
    std::vector<std::string> names;
    for (const auto& w : report.workers)
        names.push_back(w.worker);
    CHECK(names == std::vector<std::string>{"task-1", "task-2", "task-10", "task-api"});
    CHECK(model::find_worker(report, "task-10") == &report.workers[2]);
    CHECK(model::find_worker(report, "task-9") == nullptr);

    auto one = model::collect_status(repo.context(), "task-10");
    REQUIRE(one.workers.size() == 1);
    CHECK(one.workers[0].branch == "work/task-10-w");
}

TEST_CASE_METHOD(Spawned, "a worker whose worktree folder is gone", "[worker]") {
    std::filesystem::remove_all(worktree);
    auto w = status_of(repo);
    CHECK(w.worktree == worktree.string());
    CHECK(w.worktree_missing);
    CHECK(w.state == model::WorkerState::fresh);
}

TEST_CASE_METHOD(Spawned, "a QA verdict holds for the commit it judged", "[worker][qa]") {
    const std::string done = repo.commit("[COMPLETE] Done", {{"a", "1\n"}}, worktree);
    {
        auto ctx = repo.context();
        ops::record_verdict(ctx, "task-1", model::QaVerdict::rejected, "tests missing");
    }
    auto judged = status_of(repo);
    CHECK(judged.qa == model::QaVerdict::rejected);
    CHECK(judged.qa_reason == "tests missing");

    repo.commit("[COMPLETE] Done, with tests", {{"a_test", "1\n"}}, worktree);
    auto again = status_of(repo);
    CHECK(again.state == model::WorkerState::complete);
    CHECK(again.qa == model::QaVerdict::pending);
    CHECK(again.qa_reason.empty());
}

TEST_CASE("checks: required by .porch.toml, by scope or by what the branch changed; a block "
          "and a failure",
          "[worker][qa]") {
    RepoFixture repo;
    repo.commit("Initial commit",
                {{".porch.toml", "[parallelization]\nretry_on_failure = 1\n[qa]\nchecks = "
                                 "[\"qa\", \"e2e\"]\n[qa.paths]\ne2e = [\"web\"]\n"}});
    const auto api = repo.spawn("1", "api", {}, {"src/api"});
    const auto any = repo.spawn("2", "any");
    repo.commit("[COMPLETE] api", {{"src/api/a.py", "1\n"}}, api);
    repo.commit("[COMPLETE] page", {{"web/index.html", "1\n"}}, any);
    auto checks_of = [&](const std::string& worker) {
        std::vector<std::string> out;
        for (const auto& c : status_of(repo, worker).checks)
            out.push_back(c.check + ":" + to_string(c.verdict) + (c.required ? "" : "?"));
        return out;
    };
    CHECK(checks_of("task-1") == std::vector<std::string>{"qa:pending"});
    CHECK(checks_of("task-2") == std::vector<std::string>{"qa:pending", "e2e:pending"});
    CHECK(status_of(repo, "task-2").checks[1].required_by == "qa.paths: it changed web/index.html");

    auto ctx = repo.context();
    CHECK_THROWS_WITH(ops::record_verdict(ctx, "task-2", model::QaVerdict::blocked, ""),
                      Catch::Matchers::Contains("a block needs a reason"));
    ops::record_verdict(ctx, "task-2", model::QaVerdict::blocked, "no browser", "e2e");
    CHECK(checks_of("task-2") == std::vector<std::string>{"qa:pending", "e2e:blocked"});
    CHECK(status_of(repo, "task-2").qa == model::QaVerdict::pending);

    // Rejected, retried once (all retry_on_failure allows), rejected again: failed.
    ops::record_verdict(ctx, "task-1", model::QaVerdict::rejected, "no tests");
    CHECK_FALSE(status_of(repo, "task-1").failure);
    ops::record_retry(ctx, "task-1");
    CHECK_FALSE(status_of(repo, "task-1").failure);
    repo.commit("[COMPLETE] api, tested", {{"src/api/a_test.py", "1\n"}}, api);
    ops::record_verdict(ctx, "task-1", model::QaVerdict::rejected, "tests fail");
    auto failed = status_of(repo, "task-1");
    REQUIRE(failed.failure);
    CHECK(failed.failure->reason == "tests fail");
    CHECK(failed.state == model::WorkerState::complete);
    CHECK_THROWS_WITH(ops::record_retry(ctx, "task-1"),
                      Catch::Matchers::StartsWith("task-1 failed: QA rejected it after 1 attempt"));
}

TEST_CASE("NEEDS is met once the needed worker records a commit naming the item",
          "[worker][needs]") {
    RepoFixture repo;
    const std::string base = repo.commit("Initial commit", {{"README", "hello\n"}});
    const auto waiting = repo.spawn("1", "api", {"task-2"});
    const auto needed = repo.spawn("2", "schema");
    repo.commit("[NEEDS:task-2/Thing] Waiting for the thing", {}, waiting);
    repo.commit("[CHECKPOINT] Unrelated work", {{"x", "1\n"}}, needed);
    record(repo, "task-2", repo.git_line({"rev-parse", "HEAD"}, needed), base);

    auto check = [&] {
        auto report = model::collect_status(repo.context());
        const auto* w1 = model::find_worker(report, "task-1");
        REQUIRE(w1);
        REQUIRE(w1->needs.size() == 1);
        return model::needs_satisfied(repo.context().repo, *w1, w1->needs[0],
                                      model::find_worker(report, "task-2"));
    };
    CHECK_FALSE(check());
    repo.commit("[CHECKPOINT] Add the thing", {{"thing", "1\n"}}, needed);
    record(repo, "task-2", repo.git_line({"rev-parse", "HEAD"}, needed), base);
    CHECK(check());
}

TEST_CASE("status refuses a configured base branch that does not exist", "[worker]") {
    RepoFixture repo;
    repo.commit("Initial commit", {{".porch.toml", "base_branch = \"trunk\"\n"}});
    try {
        model::collect_status(repo.context());
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::fatal);
        CHECK(std::string(e.what()) == "the base branch 'trunk' does not exist");
    }
}

// Reverting the [COMPLETE] commit takes the completion back: the worker is where it was before
// it (checkpoint).
TEST_CASE_METHOD(Spawned, "reverting [COMPLETE] takes the completion back", "[worker]") {
    repo.commit("[CHECKPOINT] Part one", {{"a", "1\n"}}, worktree);
    const std::string done = repo.commit("[COMPLETE] Done", {{"b", "2\n"}}, worktree);
    repo.revert(done, worktree);
    CHECK(status_of(repo).state == model::WorkerState::checkpoint);
}

// A worker that fast-forwards onto another worker's [COMPLETE] has not completed its own task; the
// commit is the other worker's (its branch's reflog says it was committed there).
TEST_CASE("fast-forwarding onto another worker's [COMPLETE] does not complete this one",
          "[worker]") {
    RepoFixture repo;
    repo.commit("Initial commit", {{"README", "hello\n"}});
    const auto mine = repo.spawn("1", "api");
    const auto theirs = repo.spawn("2", "db");
    repo.commit("[COMPLETE] The db is done", {{"db", "1\n"}}, theirs);
    repo.git({"merge", "--quiet", "--ff-only", "work/task-2-db"}, mine);
    CHECK(status_of(repo, "task-2").state == model::WorkerState::complete);
    CHECK(status_of(repo, "task-1").state != model::WorkerState::complete);
}

TEST_CASE_METHOD(Spawned, "the view carries the tip and what the newest spawn recorded",
                 "[worker]") {
    auto w = status_of(repo);
    CHECK(w.tip == git::Oid::from_hex(base));
    CHECK(w.recorded);
    CHECK(w.spawn_worktree == "worktrees/task-1-api");
    CHECK(w.slot.empty());
    CHECK_FALSE(w.parked);

    auto ctx = repo.context();
    store::append(ctx.repo, model::ReleasedEvent{"wt-1", ""}.encode("task-1"));
    CHECK(status_of(repo).parked);

    // Spawned again (after a cleanup, say), with another scope: the newest spawn counts and the
    // worktree is its own again, whatever order the note keeps its lines in.
    for (int round = 0; round < 4; ++round) {
        model::SpawnedEvent again;
        again.desc = "api";
        again.branch = "work/task-1-api";
        again.worktree = "worktrees/again-" + std::to_string(round);
        again.base = base;
        again.scope = {"web/" + std::to_string(round) + "/"};
        store::append(ctx.repo, again.encode("task-1"));
        w = status_of(repo);
        CHECK_FALSE(w.parked);
        CHECK(w.spawn_worktree == again.worktree);
        CHECK(w.scope == again.scope);
    }
}

TEST_CASE("a branch made by hand has no spawn record", "[worker]") {
    RepoFixture repo;
    auto first = repo.commit("Initial commit");
    repo.branch("work/task-3-by-hand");
    auto w = status_of(repo, "task-3");
    CHECK(w.tip == git::Oid::from_hex(first));
    CHECK_FALSE(w.recorded);
    CHECK_FALSE(w.parked);
    CHECK(w.spawn_worktree.empty());
}

TEST_CASE_METHOD(Spawned, "a take-over makes the worker the clone's that took it over",
                 "[worker]") {
    auto ctx = repo.context();
    const std::string me = store::clone_id(ctx.repo);
    auto w = status_of(repo);
    CHECK(w.local);
    CHECK(w.taken_over_by.empty());

    REQUIRE_FALSE(w.spawn_id.empty());
    model::TakenOverEvent taken{"work/task-1-api", base, "origin", "bob@laptop", w.spawn_id, false};
    auto line = taken.encode("task-1");
    line.time = 1767225600;
    auto back = model::TakenOverEvent::decode(line);
    CHECK(back.branch == taken.branch);
    CHECK(back.tip == taken.tip);
    CHECK(back.remote == taken.remote);
    CHECK(back.clone_name == taken.clone_name);
    CHECK(back.spawn == taken.spawn);
    CHECK_FALSE(back.adopted);

    // Another clone takes it over: it is theirs now, though this clone spawned it.
    ctx.repo.set_config_string("porch.cloneId", "0123456789abcdef-other");
    store::append(ctx.repo, line);
    ctx.repo.set_config_string("porch.cloneId", me);
    w = status_of(repo);
    CHECK(w.taken_over_by == "0123456789abcdef-other");
    CHECK_FALSE(w.local);
    CHECK(w.clone == me);

    // Taken back here, a second later (take-overs by different clones go by wall time).
    line.time += 1;
    store::append(ctx.repo, line);
    w = status_of(repo);
    CHECK(w.taken_over_by == me);
    CHECK(w.local);

    // A take-over of another spawn does not count.
    auto other = line;
    other.fields["spawn"] = "not-this-spawn";
    other.time += 10;
    ctx.repo.set_config_string("porch.cloneId", "0123456789abcdef-other");
    store::append(ctx.repo, other);
    ctx.repo.set_config_string("porch.cloneId", me);
    CHECK(status_of(repo).taken_over_by == me);

    // A spawn after the take-over starts the worker anew.
    model::SpawnedEvent again;
    again.desc = "api";
    again.branch = "work/task-1-api";
    again.base = base;
    store::append(ctx.repo, again.encode("task-1"));
    w = status_of(repo);
    CHECK(w.taken_over_by.empty());
    CHECK(w.local);
}

TEST_CASE_METHOD(Spawned,
                 "a worker known from events alone is read along its commits, not by event order",
                 "[worker][remote]") {
    auto blocked = repo.commit("[BLOCKED:spec] Waiting for the spec", {{"a", "1\n"}}, worktree);
    auto done = repo.commit("[COMPLETE] Done", {{"b", "2\n"}}, worktree);
    // The hook recorded the newest commit; a later reindex recorded the older one after it.
    record(repo, "task-1", done, base);
    record(repo, "task-1", blocked, base);

    // Another clone sees it from these events alone: no branch of it there.
    repo.git({"worktree", "remove", "--force", worktree.string()});
    repo.git({"branch", "-D", "work/task-1-api"});
    repo.git({"config", "porch.cloneId", "0123456789abcdef-other"});
    auto w = status_of(repo);
    REQUIRE(w.remote_only);
    CHECK(w.state == model::WorkerState::complete);
    CHECK(w.last_commit.id == done);
    CHECK(w.commits_ahead == 2);
}

TEST_CASE("a commit another clone's notes name and this clone never fetched is in no history",
          "[repo]") {
    Spawned s;
    auto ctx = s.repo.context();
    auto base = *git::Oid::from_hex(s.base);
    auto missing = *git::Oid::from_hex("44ff4c7db14b9292cc2c3c8220761a7bb8f2987b");
    CHECK_FALSE(ctx.repo.has_object(missing));
    CHECK(ctx.repo.has_object(base));
    CHECK_FALSE(ctx.repo.is_ancestor(missing, base));
    CHECK_THROWS_AS(ctx.repo.is_ancestor(base, missing), Error);
}
