// Repository-level pieces of the model, in real repositories: the fixture itself, the base
// branch, worker branches, which worker a worktree belongs to, the set-up init and doctor share,
// and the git CLI's view of a worktree.
#include "git/cli.hpp"
#include "model/locate.hpp"
#include "model/setup.hpp"
#include "repo_fixture.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

using namespace porch;
using porch::test::first_commit_time;
using porch::test::RepoFixture;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

} // namespace

TEST_CASE("the fixture makes the same commits everywhere, and cleans up", "[fixture]") {
    fs::path where;
    std::string id;
    {
        RepoFixture repo;
        where = repo.path();
        CHECK(fs::is_directory(where / ".git"));
        id = repo.commit("First", {{"a.txt", "a\n"}});
        repo.commit("Second");
        CHECK(repo.git_line({"symbolic-ref", "HEAD"}) == "refs/heads/main");
        CHECK(repo.git({"log", "--format=%an <%ae> %at %ct %s"}) ==
              "Porch Tester <tester@example.com> " + std::to_string(first_commit_time + 60) + " " +
                  std::to_string(first_commit_time + 60) + " Second\n" +
                  "Porch Tester <tester@example.com> " + std::to_string(first_commit_time) + " " +
                  std::to_string(first_commit_time) + " First\n");
    }
    CHECK_FALSE(fs::exists(where));
    RepoFixture other;
    CHECK(other.commit("First", {{"a.txt", "a\n"}}) == id);
}

TEST_CASE("the base branch: configured, else main, else master, else the main worktree's",
          "[context]") {
    RepoFixture repo;
    repo.commit("Initial commit");
    CHECK(repo.context().base_branch() == "main");
    SECTION("master when there is no main") {
        repo.git({"branch", "-m", "main", "master"});
        CHECK(repo.context().base_branch() == "master");
    }
    SECTION("the main worktree's branch when there is neither") {
        repo.git({"branch", "-m", "main", "trunk"});
        repo.branch("other");
        CHECK(repo.context().base_branch() == "trunk");
    }
    SECTION("base_branch in .porch.toml wins") {
        repo.commit("Config", {{".porch.toml", "base_branch = \"develop\"\n"}});
        CHECK(repo.context().base_branch() == "develop");
    }
}

TEST_CASE("worker_branches: what the branch template recognises", "[context]") {
    RepoFixture repo;
    const std::string tip = repo.commit("Initial commit");
    for (const char* name : {"work/task-1-api", "work/task-22-db-layer", "work/task-7",
                             "work/task--api", "work/notes"})
        repo.branch(name);
    auto ctx = repo.context();
    auto all = model::worker_branches(ctx);
    REQUIRE(all.size() == 2);
    CHECK(all[0].worker == "task-1");
    CHECK(all[0].id == "1");
    CHECK(all[0].desc == "api");
    CHECK(all[0].branch == "work/task-1-api");
    CHECK(all[0].tip.hex() == tip);
    CHECK(all[1].worker == "task-22");
    CHECK(all[1].desc == "db-layer");

    auto only = model::worker_branches(ctx, "task-22");
    REQUIRE(only.size() == 1);
    CHECK(only[0].branch == "work/task-22-db-layer");
    CHECK(model::worker_branches(ctx, "task-3").empty());
}

TEST_CASE("locate: which worker a worktree belongs to", "[locate]") {
    RepoFixture repo;
    repo.commit("Initial commit", {{"README", "hello\n"}});
    const fs::path worktree = repo.spawn("1", "api");

    SECTION("the main worktree on the base branch belongs to no one") {
        auto loc = model::locate(repo.context());
        CHECK_FALSE(loc.is_worker());
        CHECK(loc.head_branch == "main");
    }
    SECTION("a spawned worktree on its branch") {
        auto loc = model::locate(repo.context(worktree));
        CHECK(loc.branch_worker == "task-1");
        CHECK(loc.owner == "task-1");
        CHECK(loc.owner_branch == "work/task-1-api");
        CHECK(loc.head_branch == "work/task-1-api");
        CHECK_FALSE(loc.on_wrong_branch());
    }
    SECTION("a spawned worktree switched to another branch") {
        repo.git({"checkout", "--quiet", "-b", "elsewhere"}, worktree);
        auto loc = model::locate(repo.context(worktree));
        CHECK_FALSE(loc.branch_worker);
        CHECK(loc.owner == "task-1");
        CHECK(loc.head_branch == "elsewhere");
        CHECK(loc.on_wrong_branch());
    }
    SECTION("a worker branch checked out in the main worktree") {
        repo.branch("work/task-3-ui");
        repo.checkout("work/task-3-ui");
        auto loc = model::locate(repo.context());
        CHECK(loc.branch_worker == "task-3");
        CHECK_FALSE(loc.owner);
        CHECK(loc.is_worker());
        CHECK_FALSE(loc.on_wrong_branch());
    }
    SECTION("a rebase stopped on a conflict still belongs to the branch being rebased") {
        repo.commit("[CHECKPOINT] Worker's readme", {{"README", "worker\n"}}, worktree);
        repo.commit("Main's readme", {{"README", "main\n"}});
        REQUIRE_FALSE(repo.try_git({"rebase", "main"}, worktree).ok());
        auto ctx = repo.context(worktree);
        CHECK_FALSE(ctx.repo.head_ref()); // detached while rebasing
        auto loc = model::locate(ctx);
        CHECK(loc.branch_worker == "task-1");
        CHECK(loc.head_branch == "work/task-1-api");
        CHECK(git::conflicted_paths(worktree.string()) == std::vector<std::string>{"README"});
    }
}

TEST_CASE("ensure_line adds a line once, and keeps the file's other lines", "[setup]") {
    RepoFixture repo;
    const fs::path file = repo.path() / "deep/folder/list";
    CHECK(model::ensure_line(file, "/worktrees/"));
    CHECK_FALSE(model::ensure_line(file, "/worktrees/"));
    CHECK(read_text(file) == "/worktrees/\n");

    std::ofstream(file, std::ios::trunc) << "  /worktrees/  \nlast";
    CHECK_FALSE(model::ensure_line(file, "/worktrees/")); // equal once trimmed
    CHECK(model::ensure_line(file, "*.log"));
    CHECK(read_text(file) == "  /worktrees/  \nlast\n*.log\n");
}

TEST_CASE("ensure_config sets what is missing and keeps the user's own choice", "[setup]") {
    RepoFixture repo;
    const std::string root = repo.path().string();
    SECTION("a single-valued key") {
        CHECK(model::ensure_config(root, "notes.porch.mergeStrategy", "cat_sort_uniq", false));
        CHECK_FALSE(
            model::ensure_config(root, "notes.porch.mergeStrategy", "cat_sort_uniq", false));
        CHECK(repo.git_line({"config", "notes.porch.mergeStrategy"}) == "cat_sort_uniq");

        repo.git({"config", "notes.porch.mergeStrategy", "union"});
        CHECK_FALSE(
            model::ensure_config(root, "notes.porch.mergeStrategy", "cat_sort_uniq", false));
        CHECK(repo.git_line({"config", "notes.porch.mergeStrategy"}) == "union");
    }
    SECTION("a multi-valued key gets its value beside the others") {
        repo.git({"config", "notes.rewriteRef", "refs/notes/commits"});
        CHECK(model::ensure_config(root, "notes.rewriteRef", "refs/notes/porch", true));
        CHECK_FALSE(model::ensure_config(root, "notes.rewriteRef", "refs/notes/porch", true));
        CHECK(repo.git({"config", "--get-all", "notes.rewriteRef"}) ==
              "refs/notes/commits\nrefs/notes/porch\n");
    }
}

TEST_CASE("wanted_settings and ensure_excluded", "[setup]") {
    RepoFixture repo;
    repo.commit("Initial commit");
    repo.git({"remote", "add", "origin", "https://example.com/repo.git"});
    auto wanted = model::wanted_settings(repo.path().string());
    REQUIRE(wanted.size() == 4);
    CHECK(wanted[0].key == "notes.rewriteRef");
    CHECK(wanted[0].value == "refs/notes/porch");
    CHECK(wanted[3].key == "remote.origin.fetch");
    CHECK(wanted[3].value == "+refs/notes/porch*:refs/notes/remotes/origin/porch*");
    CHECK(wanted[3].multi);

    auto ctx = repo.context();
    CHECK(model::ensure_excluded(ctx) == "/worktrees/");
    CHECK_FALSE(model::ensure_excluded(ctx));
    CHECK(read_text(repo.path() / ".git/info/exclude").ends_with("/worktrees/\n"));
}

TEST_CASE("prefer_loose_objects: packed and loose objects read, new ones written", "[git]") {
    RepoFixture repo;
    const std::string first = repo.commit("Initial commit", {{"a.txt", "packed\n"}});
    repo.git({"gc", "-q"}); // the first commit and its blob now live in a pack only
    const std::string second = repo.commit("Second", {{"b.txt", "loose\n"}});
    auto ctx = repo.context();
    ctx.repo.prefer_loose_objects();
    CHECK(ctx.repo.commit(*git::Oid::from_hex(first)).message == "Initial commit\n");
    CHECK(ctx.repo.commit(*git::Oid::from_hex(second)).message == "Second\n");
    CHECK(ctx.repo.read_blob(*git::Oid::from_hex(repo.git_line({"rev-parse", first + ":a.txt"}))) ==
          "packed\n");
    CHECK(ctx.repo.read_blob(*git::Oid::from_hex(repo.git_line({"rev-parse", "HEAD:b.txt"}))) ==
          "loose\n");
    const git::Oid written = ctx.repo.write_blob("new\n");
    CHECK(repo.git_line({"cat-file", "-p", written.hex()}) == "new");
    CHECK(ctx.repo.read_blob(written) == "new\n");
}

TEST_CASE("config: one snapshot for porch and libgit2, new after a write or a refresh", "[git]") {
    RepoFixture repo;
    repo.commit("Initial commit");
    repo.git({"config", "user.name", "Before"});
    auto ctx = repo.context();
    CHECK(ctx.repo.default_signature().name == "Before"); // libgit2 reads the repository's config
    CHECK_FALSE(ctx.repo.config_string("porch.mine"));
    ctx.repo.set_config_string("porch.mine", "1");
    CHECK(ctx.repo.config_string("porch.mine") == "1");
    CHECK(repo.git_line({"config", "porch.mine"}) == "1");
    // Another process's writes: seen after refresh_config, by porch and by libgit2 alike.
    repo.git({"config", "user.name", "After"});
    repo.git({"config", "porch.theirs", "2"});
    CHECK(ctx.repo.default_signature().name == "Before");
    CHECK_FALSE(ctx.repo.config_string("porch.theirs"));
    ctx.repo.refresh_config();
    CHECK(ctx.repo.default_signature().name == "After");
    CHECK(ctx.repo.config_string("porch.theirs") == "2");
    ctx.repo.set_config_string("porch.mine", "3"); // a write keeps the others' settings
    CHECK(repo.git_line({"config", "porch.theirs"}) == "2");
    CHECK(ctx.repo.config_string("porch.mine") == "3");
}

TEST_CASE("the worktree list, read from git's administrative files", "[git]") {
    RepoFixture repo;
    repo.commit("Initial commit");
    repo.git({"worktree", "add", "-q", "-b", "one", "wt/one"});
    repo.git({"worktree", "add", "-q", "--detach", "wt/two"});
    repo.git({"worktree", "add", "-q", "-b", "three", "wt/three"});
    repo.git({"worktree", "lock", "wt/two"});
    fs::remove_all(repo.path() / "wt/three");
    // As git 2.48's worktree.useRelativePaths writes it: relative to the administrative folder.
    const fs::path admin = repo.path() / ".git/worktrees/one";
    std::ofstream(admin / "gitdir", std::ios::trunc) << "../../../wt/one/.git\n";
    // Not a worktree for git: no HEAD.
    fs::create_directories(repo.path() / ".git/worktrees/half");
    std::ofstream(repo.path() / ".git/worktrees/half/gitdir") << "/nowhere/.git\n";
    std::ofstream(repo.path() / ".git/worktrees/half/commondir") << "../..\n";

    const auto wts = repo.context().repo.worktrees();
    REQUIRE(wts.size() == 4);
    CHECK(wts[0].is_main);
    CHECK(wts[0].path == repo.path().string());
    CHECK(wts[1].name == "one");
    CHECK(wts[1].path == (repo.path() / "wt/one").string());
    CHECK(wts[1].head == git::RefName("refs/heads/one"));
    CHECK_FALSE(wts[1].missing);
    CHECK(wts[2].name == "three");
    CHECK(wts[2].missing);
    CHECK(wts[3].name == "two");
    CHECK(wts[3].locked);
    CHECK_FALSE(wts[3].head);
    CHECK_FALSE(wts[1].locked);
}

TEST_CASE("dirty_paths: uncommitted and untracked work, as git status sees it", "[git]") {
    RepoFixture repo;
    repo.commit("Initial commit",
                {{"README", "hello\n"}, {"old.txt", "old\n"}, {".gitignore", "*.log\n"}});
    const std::string root = repo.path().string();
    CHECK(git::dirty_paths(root) == std::vector<std::string>{});
    CHECK_FALSE(git::worktree_dirty(root));

    std::ofstream(repo.path() / "README") << "changed\n";
    fs::create_directories(repo.path() / "new/deep");
    std::ofstream(repo.path() / "new/deep/file.txt") << "new\n";
    std::ofstream(repo.path() / "build.log") << "ignored\n";
    repo.git({"mv", "old.txt", "renamed.txt"});

    auto dirty = git::dirty_paths(root);
    REQUIRE(dirty);
    CHECK(sorted(*dirty) == std::vector<std::string>{"README", "new/deep/file.txt", "renamed.txt"});
    CHECK(git::worktree_dirty(root));
    CHECK(git::has_tracked_changes(root));

    // A folder git cannot look into: its .git names a git dir that is gone.
    const fs::path broken = repo.path() / "broken";
    fs::create_directories(broken);
    std::ofstream(broken / ".git")
        << "gitdir: " << (repo.path() / "no-such-gitdir").string() << "\n";
    CHECK_FALSE(git::dirty_paths(broken.string()));
    CHECK_FALSE(git::worktree_dirty(broken.string()));
}

// A known discrepancy: git/cli.hpp promises nullopt (and worktree_dirty false) "when git cannot
// look, e.g. its folder is gone", but process::run throws for a missing folder. Expected: the
// documented answer, no exception. Drop [!mayfail] once it passes.
TEST_CASE("dirty_paths of a folder that is gone", "[git][!mayfail]") {
    RepoFixture repo;
    const std::string gone = (repo.path() / "gone").string();
    CHECK_FALSE(git::dirty_paths(gone));
    CHECK_FALSE(git::worktree_dirty(gone));
}

TEST_CASE("conflicted_paths after a merge that stopped", "[git]") {
    RepoFixture repo;
    repo.commit("Initial commit", {{"README", "hello\n"}, {"other", "x\n"}});
    repo.branch("topic");
    repo.commit("Main's change", {{"README", "main\n"}, {"other", "y\n"}});
    repo.checkout("topic");
    repo.commit("Topic's change", {{"README", "topic\n"}});
    CHECK(git::conflicted_paths(repo.path().string()).empty());

    REQUIRE_FALSE(repo.try_git({"merge", "main"}).ok());
    CHECK(git::conflicted_paths(repo.path().string()) == std::vector<std::string>{"README"});
    CHECK(repo.context().repo.operation_in_progress() == "merge");
}
