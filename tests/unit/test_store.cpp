// The event store (git notes under refs/notes/porch) in a real repository, and the
// compare-and-swap ref update every write relies on.
#include "model/store.hpp"
#include "repo_fixture.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

using namespace porch;
using porch::test::RepoFixture;
namespace fs = std::filesystem;

namespace {

store::Event event(const std::string& worker, const std::string& type,
                   std::map<std::string, std::string> fields = {}) {
    store::Event e;
    e.worker = worker;
    e.type = type;
    e.fields = std::move(fields);
    return e;
}

// A commit event that compaction may move to an archive.
store::Event checkpoint_event(const std::string& worker, int n) {
    return event(worker, "commit",
                 {{"commit", std::string(39, '0') + std::to_string(n % 10)},
                  {"subject", "[CHECKPOINT] step " + std::to_string(n)},
                  {"valid", "true"}});
}

} // namespace

TEST_CASE("append fills in the clock, the clone and the id; read returns events in order",
          "[store]") {
    RepoFixture repo;
    repo.commit("Initial commit");
    auto ctx = repo.context();
    auto spawned = event("task-1", "spawned", {{"desc", "api"}});
    spawned.time = 1234;
    auto written = store::append(ctx.repo, spawned);
    CHECK(written.lamport == 1);
    CHECK(written.time == 1234); // kept when given
    CHECK(written.id.size() == 32);
    CHECK(written.clone == ctx.repo.config_string("porch.cloneId").value_or("none"));
    auto two = store::append(
        ctx.repo, std::vector<store::Event>{event("task-1", "commit", {{"commit", "abc"}}),
                                            event("task-1", "qa", {{"verdict", "approved"}})});
    REQUIRE(two.size() == 2);
    CHECK(two[0].lamport == 2);
    CHECK(two[1].lamport == 3);
    CHECK(two[0].time > 1234); // the wall clock, when not given

    auto events = store::read(ctx.repo, "task-1");
    REQUIRE(events.size() == 3);
    CHECK(events[0].type == "spawned");
    CHECK(events[0].field("desc") == "api");
    CHECK(events[0].id == written.id);
    CHECK(events[1].field("commit") == "abc");
    CHECK(events[2].field("verdict") == "approved");
    CHECK(store::read(ctx.repo, "task-2").empty());
    CHECK(store::read_lines(ctx.repo, "task-1").size() == 3);

    auto matching = store::read_matching(ctx.repo, "task-1", "\"commit\":\"abc\"");
    REQUIRE(matching.size() == 1);
    CHECK(matching[0].type == "commit");
}

TEST_CASE("the registry lists every worker with events, not the session", "[store]") {
    RepoFixture repo;
    repo.commit("Initial commit");
    auto ctx = repo.context();
    CHECK(store::registered_workers(ctx.repo).empty());
    store::append(ctx.repo, event("task-2", "spawned"));
    store::append(ctx.repo, event("task-10", "spawned"));
    store::append(ctx.repo, event("task-2", "retry"));
    store::append(ctx.repo, event(std::string(store::session_worker), "checkpoint"));
    CHECK(store::registered_workers(ctx.repo) == std::vector<std::string>{"task-10", "task-2"});
    CHECK(store::read(ctx.repo, std::string(store::session_worker)).size() == 1);
}

TEST_CASE("one append of several workers' events is one notes commit", "[store]") {
    RepoFixture repo;
    repo.commit("Initial commit");
    auto ctx = repo.context();
    store::append(ctx.repo, event("task-1", "spawned"));
    const auto before = ctx.repo.ref_target(store::notes_ref_name);
    REQUIRE(before);
    auto written = store::append(
        ctx.repo, std::vector<store::Event>{event("task-2", "spawned"), event("task-1", "retry"),
                                            event("task-2", "commit", {{"commit", "abc"}})});
    REQUIRE(written.size() == 3);
    CHECK(written[0].lamport == 1); // each worker's clock goes on from its own note
    CHECK(written[1].lamport == 2);
    CHECK(written[2].lamport == 2);
    const auto after = ctx.repo.ref_target(store::notes_ref_name);
    REQUIRE(after);
    CHECK(repo.git_line({"rev-parse", after->hex() + "^"}) == before->hex());
    CHECK(store::registered_workers(ctx.repo) == std::vector<std::string>{"task-1", "task-2"});
    CHECK(store::read(ctx.repo, "task-1").size() == 2);
    auto two = store::read(ctx.repo, "task-2");
    REQUIRE(two.size() == 2);
    CHECK(two[1].field("commit") == "abc");
}

TEST_CASE("read skips malformed lines and lines of another worker, and counts them", "[store]") {
    RepoFixture repo;
    repo.commit("Initial commit");
    auto ctx = repo.context();
    store::append(ctx.repo, event("task-1", "spawned"));
    // Write the note by hand, as a damaged or hostile store might hold it.
    const auto tip = ctx.repo.ref_target(store::notes_ref_name);
    REQUIRE(tip);
    const auto anchor = git::Oid::of_blob(store::anchor_content("task-1"));
    std::string note = *ctx.repo.read_note(*tip, anchor);
    note += "not json\n";
    note += store::to_line(event("task-2", "spawned")) + "\n";
    auto commit = ctx.repo.build_note_commit(tip, anchor, note);
    REQUIRE(ctx.repo.update_ref_cas(store::notes_ref_name, commit, tip, "test") ==
            git::CasResult::updated);

    std::size_t skipped = 0;
    auto events = store::read(ctx.repo, "task-1", &skipped);
    REQUIRE(events.size() == 1);
    CHECK(events[0].type == "spawned");
    CHECK(skipped == 2);
}

TEST_CASE("a long live note is compacted into archives, and read_all still has everything",
          "[store]") {
    RepoFixture repo;
    repo.commit("Initial commit");
    auto ctx = repo.context();
    store::append(ctx.repo, event("task-1", "spawned"));
    // One event per append, like post-commit: the note is compacted as soon as it holds more
    // than compact_threshold lines (the spawned event is one of them).
    const int commits = static_cast<int>(store::compact_threshold);
    for (int n = 1; n < commits; ++n)
        store::append(ctx.repo, checkpoint_event("task-1", n));
    CHECK(store::read_lines(ctx.repo, "task-1").size() == store::compact_threshold);
    CHECK_FALSE(ctx.repo.ref_target(store::archive_ref_name));
    store::append(ctx.repo, checkpoint_event("task-1", commits));
    CHECK(ctx.repo.ref_target(store::archive_ref_name));

    auto live = store::read(ctx.repo, "task-1");
    REQUIRE(live.size() == store::compact_keep + 1);
    CHECK(live.front().type == "spawned"); // spawned events stay live
    CHECK(live.back().field("subject") == "[CHECKPOINT] step " + std::to_string(commits));

    auto all = store::read_all(ctx.repo, "task-1");
    REQUIRE(all.size() == static_cast<std::size_t>(commits) + 1);
    for (std::size_t i = 1; i < all.size(); ++i) {
        CHECK(all[i].lamport == i + 1);
        CHECK(all[i].field("subject") == "[CHECKPOINT] step " + std::to_string(i));
    }
}

TEST_CASE("update_ref_cas moves a ref only from the value the caller saw", "[git]") {
    RepoFixture repo;
    const auto first = *git::Oid::from_hex(repo.commit("First"));
    const auto second = *git::Oid::from_hex(repo.commit("Second"));
    auto ctx = repo.context();
    // Notes refs are moved by a transaction of porch's own (repo_refs.cpp), branches by libgit2.
    const git::RefName ref(GENERATE(as<std::string>{}, "refs/heads/topic", "refs/notes/topic"));
    CAPTURE(ref.str());

    CHECK(ctx.repo.update_ref_cas(ref, first, std::nullopt, "create") == git::CasResult::updated);
    CHECK(ctx.repo.ref_target(ref) == first);
    SECTION("a packed ref: compared and moved; a held lock is reported, not waited for") {
        repo.git({"pack-refs", "--all"});
        REQUIRE_FALSE(fs::exists(repo.path() / ".git" / ref.str()));
        CHECK(ctx.repo.update_ref_cas(ref, second, second, "stale") == git::CasResult::conflict);
        CHECK(ctx.repo.update_ref_cas(ref, second, first, "move") == git::CasResult::updated);
        CHECK(repo.git_line({"rev-parse", ref.str()}) == second.hex());
        CHECK(repo.git_line({"reflog", "-1", "--format=%gs", ref.str()}) == "move");
        std::ofstream(repo.path() / ".git" / (ref.str() + ".lock")) << first.hex() << "\n";
        CHECK(ctx.repo.update_ref_cas(ref, first, second, "locked") == git::CasResult::locked);
        CHECK(fs::exists(repo.path() / ".git" / (ref.str() + ".lock"))); // another's lock stays
        CHECK(repo.git_line({"rev-parse", ref.str()}) == second.hex());
    }
    SECTION("creating a ref that exists is a conflict") {
        CHECK(ctx.repo.update_ref_cas(ref, second, std::nullopt, "create") ==
              git::CasResult::conflict);
        CHECK(ctx.repo.ref_target(ref) == first);
    }
    SECTION("a ref that moved since it was read is a conflict") {
        repo.git({"update-ref", ref.str(), second.hex()}); // another process moves it
        CHECK(ctx.repo.update_ref_cas(ref, first, first, "stale") == git::CasResult::conflict);
        CHECK(ctx.repo.ref_target(ref) == second);
        CHECK(repo.git_line({"rev-parse", ref.str()}) == second.hex());
    }
    SECTION("the value it still has is an update") {
        CHECK(ctx.repo.update_ref_cas(ref, second, first, "move") == git::CasResult::updated);
        CHECK(repo.git_line({"rev-parse", ref.str()}) == second.hex());
    }
    SECTION("delete_ref_if deletes only the expected value") {
        CHECK_FALSE(ctx.repo.delete_ref_if(ref, second));
        CHECK(ctx.repo.ref_exists(ref));
        CHECK(ctx.repo.delete_ref_if(ref, first));
        CHECK_FALSE(ctx.repo.ref_exists(ref));
    }
}

TEST_CASE("notes refs are found in a large packed-refs, sorted or not", "[git]") {
    RepoFixture repo;
    const std::string commit = repo.commit("First");
    repo.git({"tag", "-a", "-m", "tag", "annotated"});
    const std::string tag = repo.git_line({"rev-parse", "refs/tags/annotated"});
    // Names on both sides of refs/notes/ and of each notes ref, tags with their peeled lines.
    std::vector<std::string> names = {"refs/notes/porch",
                                      "refs/notes/porch-archive",
                                      "refs/notes/porch/x",
                                      "refs/notes/remotes/origin/porch",
                                      "refs/notes/remotes/origin/porch-archive",
                                      "refs/notes-x/porch",
                                      "refs/notes/a",
                                      "refs/notes/zz",
                                      "refs/notez"};
    for (int i = 0; i < 400; ++i) {
        names.push_back("refs/heads/work/task-" + std::to_string(i) + "-bench");
        names.push_back("refs/tags/t" + std::to_string(i));
        names.push_back("refs/remotes/origin/b" + std::to_string(i));
    }
    std::sort(names.begin(), names.end());
    std::vector<std::string> records;
    for (const auto& name : names)
        records.push_back(name.starts_with("refs/tags/") ? tag + " " + name + "\n^" + commit + "\n"
                                                         : commit + " " + name + "\n");
    const bool sorted = GENERATE(true, false);
    CAPTURE(sorted);
    if (!sorted)
        std::reverse(records.begin(), records.end());
    std::string text =
        sorted ? "# pack-refs with: peeled fully-peeled sorted \n" : "# pack-refs with: peeled \n";
    for (const auto& r : records)
        text += r;
    fs::remove_all(repo.path() / ".git" / "refs" / "tags");
    fs::remove(repo.path() / ".git" / "refs" / "heads" / "main");
    std::ofstream(repo.path() / ".git" / "packed-refs", std::ios::binary) << text;

    auto ctx = repo.context();
    for (const std::string prefix :
         {"refs/notes/", "refs/notes/remotes/origin/", "refs/notes/porch/"}) {
        std::vector<std::string> found;
        for (const auto& ref : ctx.repo.refs(prefix))
            found.push_back(ref.name.str() + " " + ref.target.hex());
        std::vector<std::string> expected;
        std::istringstream git_view(
            repo.git({"for-each-ref", "--format=%(refname) %(objectname)", prefix}));
        for (std::string line; std::getline(git_view, line);)
            expected.push_back(line);
        CHECK(found == expected);
        CHECK_FALSE(found.empty());
    }
    for (const std::string name : {"refs/notes/porch", "refs/notes/porch-archive", "refs/notes/zz"})
        CHECK(ctx.repo.ref_target(git::RefName(name)) == git::Oid::from_hex(commit));
    CHECK_FALSE(ctx.repo.ref_target(git::RefName("refs/notes/missing")));
    CHECK_FALSE(ctx.repo.ref_target(git::RefName("refs/notes/porch-")));
    // refs/notes/porch/x is found below the name being moved: the update is left to libgit2,
    // which refuses it.
    CHECK_THROWS(ctx.repo.update_ref_cas(git::RefName("refs/notes/porch"),
                                         *git::Oid::from_hex(commit), git::Oid::from_hex(commit),
                                         "move"));
}

namespace {

// `git <args>` in the fixture's worktree with `input` on stdin.
std::string git_with_input(const RepoFixture& repo, const std::vector<std::string>& args,
                           const std::string& input) {
    process::Result r = repo.try_git(args, {}, input);
    REQUIRE(r.ok());
    return r.out.substr(0, r.out.find('\n'));
}

// Every tree of a notes commit is the tree `git mktree` makes of its entries: in git's order
// (a folder's name sorts as if it ended in '/'), modes written as git writes them.
void require_canonical(const RepoFixture& repo, const git::Oid& notes_commit) {
    std::vector<std::string> trees = {repo.git_line({"rev-parse", notes_commit.hex() + "^{tree}"})};
    std::istringstream listed(repo.git({"ls-tree", "-r", "-t", notes_commit.hex()}));
    for (std::string line; std::getline(listed, line);)
        if (line.find(" tree ") != std::string::npos)
            trees.push_back(line.substr(line.find(" tree ") + 6, 40));
    for (const auto& tree : trees) {
        CAPTURE(tree);
        CHECK(git_with_input(repo, {"mktree"}, repo.git({"ls-tree", tree})) == tree);
    }
}

} // namespace

TEST_CASE("notes trees are written in git's canonical form, from any base tree", "[git]") {
    RepoFixture repo;
    repo.commit("First");
    auto ctx = repo.context();
    const std::string ab = "ab" + std::string(38, '1'), cd = "cd" + std::string(38, '2');
    // Beside the fanout folder "ab": names that sort before and after it only because a
    // folder's name is compared as "ab/" ('-' < '.' < '/' < '0').
    git::Repo::NotesEdit edit;
    edit.notes = {{ab, "note on ab\n"}, {cd, "note on cd\n"}};
    edit.files = {{"ab-x", "top\n"}, {"ab.x", "top\n"}, {"ab0", "top\n"}, {"ab/x", "in ab\n"}};
    const git::Oid first = ctx.repo.write_notes(std::nullopt, edit, {}, "first");
    require_canonical(repo, first);
    CHECK(repo.git({"ls-tree", "--name-only", first.hex()}) == "ab-x\nab.x\nab\nab0\ncd\n");
    CHECK(ctx.repo.read_note(first, *git::Oid::from_hex(ab)) == "note on ab\n");

    SECTION("an edit keeps the order: replaced, added and removed entries") {
        git::Repo::NotesEdit next;
        next.notes = {{ab, "ab again\n"}, {"ef" + std::string(38, '3'), "note on ef\n"}};
        next.files = {{"ab.x", std::nullopt}, {"ab/y", "also in ab\n"}, {"a", "first\n"}};
        const git::Oid second = ctx.repo.write_notes(first, next, {first}, "second");
        require_canonical(repo, second);
        CHECK(repo.git({"ls-tree", "--name-only", second.hex()}) == "a\nab-x\nab\nab0\ncd\nef\n");
        CHECK(repo.git({"ls-tree", "--name-only", second.hex() + ":ab"}) ==
              std::string(38, '1') + "\nx\ny\n");
        CHECK(ctx.repo.read_note(second, *git::Oid::from_hex(ab)) == "ab again\n");
    }
    SECTION("a base tree out of order (written by another tool) is written in order") {
        const std::string blob = git_with_input(repo, {"hash-object", "-w", "--stdin"}, "x\n");
        const std::string folder = repo.git_line({"rev-parse", first.hex() + ":ab"});
        std::string raw;
        for (const auto& [mode, name, id] : std::vector<std::array<std::string, 3>>{
                 {"100644", "zz", blob}, {"40000", "ab", folder}, {"100644", "ab0", blob}}) {
            const auto bytes = git::Oid::from_hex(id)->bytes;
            raw +=
                mode + " " + name + std::string(1, '\0') + std::string(bytes.begin(), bytes.end());
        }
        const std::string tree = git_with_input(
            repo, {"hash-object", "-w", "-t", "tree", "--literally", "--stdin"}, raw);
        const auto base = *git::Oid::from_hex(repo.git_line({"commit-tree", tree, "-m", "other"}));
        git::Repo::NotesEdit next;
        next.notes = {{cd, "note on cd\n"}};
        const git::Oid written = ctx.repo.write_notes(base, next, {base}, "reordered");
        require_canonical(repo, written);
        CHECK(repo.git({"ls-tree", "--name-only", written.hex()}) == "ab\nab0\ncd\nzz\n");
    }
    SECTION("names git refuses in a tree are refused") {
        for (const std::string path : {".git", "ab/.GIT", "ab/../x", "ab/.", "ab/"}) {
            CAPTURE(path);
            git::Repo::NotesEdit bad;
            bad.files = {{path, "x\n"}};
            CHECK_THROWS_AS(ctx.repo.write_notes(first, bad, {first}, "bad"), Error);
        }
    }
}

TEST_CASE("a lock left by a killed process fails the append quickly, naming the lock", "[store]") {
    RepoFixture repo;
    repo.commit("Initial commit");
    auto ctx = repo.context();
    store::append(ctx.repo, event("task-1", "spawned"));
    const auto lock = repo.path() / ".git" / "refs" / "notes" / "porch.lock";
    std::ofstream(lock) << "0000000000000000000000000000000000000000\n";
    try {
        store::append(ctx.repo, event("task-1", "commit"));
        FAIL("the append went through a held lock");
    } catch (const porch::Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("porch.lock has not changed"));
        CHECK_THAT(e.hint(), Catch::Contains("rm '" + lock.string() + "'"));
    }
    std::filesystem::remove(lock);
    CHECK(store::read(ctx.repo, "task-1").size() == 1);
    store::append(ctx.repo, event("task-1", "commit"));
    CHECK(store::read(ctx.repo, "task-1").size() == 2);
}
