// Branch and ref names: git/refname.
#include "git/refname.hpp"

#include <catch2/catch.hpp>
#include <type_traits>

using porch::git::BranchName;
using porch::git::RefName;

TEST_CASE("a branch name becomes its ref under refs/heads/", "[refname]") {
    BranchName branch("work/task-1-api");
    RefName ref = RefName::of_branch(branch);
    CHECK(ref.str() == "refs/heads/work/task-1-api");
    CHECK(porch::git::branch_ref("work/task-1-api") == ref);
    REQUIRE(ref.branch());
    CHECK(*ref.branch() == branch);
    CHECK(ref.branch()->str() == "work/task-1-api");
}

TEST_CASE("only refs under refs/heads/ name a branch", "[refname]") {
    CHECK_FALSE(RefName("refs/notes/porch").branch());
    CHECK_FALSE(RefName("refs/remotes/origin/main").branch());
    CHECK_FALSE(RefName("refs/porch/pool/wt-1").branch());
    CHECK_FALSE(RefName("HEAD").branch());
    CHECK_FALSE(RefName("main").branch());
    CHECK_FALSE(RefName("refs/headsx/main").branch());
    // Only the leading refs/heads/ is taken off.
    CHECK(RefName("refs/heads/refs/heads/x").branch()->str() == "refs/heads/x");
}

TEST_CASE("refs under refs/remotes/ name a remote-tracking branch as git shows it", "[refname]") {
    CHECK(RefName("refs/remotes/origin/work/task-1-api").remote_branch() ==
          "origin/work/task-1-api");
    CHECK_FALSE(RefName("refs/heads/origin/main").remote_branch());
    CHECK_FALSE(RefName("refs/remotesx/origin/main").remote_branch());
}

TEST_CASE("branch and ref names compare by their text", "[refname]") {
    CHECK(BranchName("a") == BranchName("a"));
    CHECK(BranchName("a") != BranchName("b"));
    CHECK(BranchName("a") < BranchName("b"));
    CHECK(RefName("refs/heads/a") < RefName("refs/heads/b"));
    CHECK(RefName("refs/heads/a") != RefName("refs/tags/a"));
    CHECK(RefName::of_branch(BranchName("main")) == RefName("refs/heads/main"));
}

TEST_CASE("names never convert implicitly from or to text", "[refname]") {
    STATIC_REQUIRE_FALSE(std::is_convertible_v<std::string, BranchName>);
    STATIC_REQUIRE_FALSE(std::is_convertible_v<std::string, RefName>);
    STATIC_REQUIRE_FALSE(std::is_convertible_v<const char*, RefName>);
    STATIC_REQUIRE_FALSE(std::is_convertible_v<BranchName, std::string>);
    STATIC_REQUIRE_FALSE(std::is_convertible_v<RefName, std::string>);
    STATIC_REQUIRE_FALSE(std::is_convertible_v<BranchName, RefName>);
    STATIC_REQUIRE_FALSE(std::is_convertible_v<RefName, BranchName>);
}
