// The advice status, doctor and integrate give about a worker whose branches disagree: the
// tips named with their commits, and commands that work as typed.
#include "model/remote_advice.hpp"

#include <catch2/catch.hpp>

using namespace porch;

namespace {

git::Oid oid(char c) {
    return *git::Oid::from_hex(std::string(40, c));
}

model::WorkerStatus two_tips() {
    model::WorkerStatus w;
    w.worker = "task-2";
    w.branch = "work/task-2-web";
    w.has_local_branch = true;
    w.tips = {{"work/task-2-web", oid('a'), ""}, {"work/task-2-web", oid('b'), "origin"}};
    return w;
}

} // namespace

TEST_CASE("a diverged worker: both tips, and the merge and push that reconcile them", "[advice]") {
    auto w = two_tips();
    CHECK_FALSE(model::diverged_advice(w));
    w.diverged = true;
    auto a = model::diverged_advice(w);
    REQUIRE(a);
    CHECK(a->message == "task-2 has diverged: work/task-2-web at aaaaaaa, origin/work/task-2-web "
                        "at bbbbbbb each have commits the other lacks");
    CHECK(a->action == "reconcile them: git merge origin/work/task-2-web (on work/task-2-web), "
                       "then git push origin work/task-2-web");
    SECTION("in its worktree") {
        w.worktree = "/tmp/my wt";
        CHECK(model::diverged_advice(w)->action ==
              "reconcile them: git -C '/tmp/my wt' merge origin/work/task-2-web (on "
              "work/task-2-web), then git -C '/tmp/my wt' push origin work/task-2-web");
    }
    SECTION("with no local branch: no command names a branch that is not here") {
        w.has_local_branch = false;
        w.tips.front().remote = "upstream";
        CHECK(model::diverged_advice(w)->action == "merge one into the other, then push it");
    }
    CHECK_FALSE(model::behind_remote_advice(w));
}

TEST_CASE("a local branch behind what was pushed: the fast-forward", "[advice]") {
    auto w = two_tips();
    w.local_behind = 2;
    auto a = model::behind_remote_advice(w);
    REQUIRE(a);
    CHECK(a->message == "task-2: work/task-2-web is 2 commits behind origin/work/task-2-web");
    CHECK(a->action == "fast-forward it: git branch -f work/task-2-web origin/work/task-2-web");
    w.worktree = "/tmp/wt";
    CHECK(model::behind_remote_advice(w)->action ==
          "fast-forward it: git -C '/tmp/wt' merge --ff-only origin/work/task-2-web");
    SECTION("ahead too is not behind: that is for diverged") {
        w.local_ahead = 1;
        CHECK_FALSE(model::behind_remote_advice(w));
    }
}
