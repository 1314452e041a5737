#include "repo_fixture.hpp"

#include "ops/spawn/spawn.hpp"
#include "util/text.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace porch::test {

namespace {

fs::path make_temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "porch-unit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("cannot create a temporary folder: " + pattern);
    // git and libgit2 report resolved paths.
    return fs::canonical(pattern);
}

void write_file(const fs::path& file, const std::string& content) {
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << content;
    REQUIRE(out.good());
}

// The whole process gets one home, with a git config of its own, set before the first
// repository is opened: libgit2 in this process and every git it starts (the fixture's, and the
// library's own) read it, and libgit2 finds the global config only once.
class IsolatedHome {
public:
    IsolatedHome() : m_home(make_temp_dir()) {
        // Nothing from the caller's git environment leaks in (tests may run from a git hook).
        for (const char* name :
             {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR",
              "GIT_OBJECT_DIRECTORY", "GIT_CEILING_DIRECTORIES", "GIT_CONFIG_PARAMETERS",
              "GIT_CONFIG_COUNT", "XDG_CONFIG_HOME", "EMAIL", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
              "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"})
            ::unsetenv(name);
        ::setenv("HOME", m_home.c_str(), 1);
        ::setenv("GIT_CONFIG_GLOBAL", (m_home / ".gitconfig").c_str(), 1);
        ::setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
        ::setenv("TZ", "UTC", 1);
        ::setenv("LC_ALL", "C", 1);
        ::setenv("GIT_EDITOR", "false", 1); // nothing may wait for an editor
        write_file(m_home / ".gitconfig", "[user]\n"
                                          "\tname = Porch Tester\n"
                                          "\temail = tester@example.com\n"
                                          "[init]\n"
                                          "\tdefaultBranch = main\n"
                                          "[advice]\n"
                                          "\tdetachedHead = false\n"
                                          "[core]\n"
                                          "\tautocrlf = false\n"
                                          "[commit]\n"
                                          "\tgpgSign = false\n");
    }
    ~IsolatedHome() {
        std::error_code ec;
        fs::remove_all(m_home, ec);
    }

private:
    fs::path m_home;
};

void isolate_environment() {
    static const IsolatedHome home;
}

} // namespace

RepoFixture::RepoFixture() {
    isolate_environment();
    m_path = make_temp_dir();
    git({"init", "--quiet"});
}

RepoFixture::~RepoFixture() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

process::Result RepoFixture::try_git(const std::vector<std::string>& args, const fs::path& dir,
                                     const std::string& input) const {
    std::vector<std::string> argv{"git"};
    argv.insert(argv.end(), args.begin(), args.end());
    process::Options options;
    options.cwd = dir.empty() ? m_path.string() : dir.string();
    options.input = input;
    const std::string date = "@" + std::to_string(m_now) + " +0000";
    options.env = {"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date};
    return process::run(argv, options);
}

std::string RepoFixture::git(const std::vector<std::string>& args, const fs::path& dir) const {
    process::Result r = try_git(args, dir);
    std::string command = "git";
    for (const auto& arg : args)
        command += " " + arg;
    INFO(command << "\n" << r.err);
    REQUIRE(r.ok());
    return r.out;
}

std::string RepoFixture::git_line(const std::vector<std::string>& args, const fs::path& dir) const {
    return util::trim(git(args, dir));
}

std::string RepoFixture::commit(const std::string& message, const Files& files,
                                const fs::path& dir) {
    const fs::path where = dir.empty() ? m_path : dir;
    for (const auto& [file, content] : files) {
        write_file(where / file, content);
        git({"add", "--", file}, where);
    }
    git({"commit", "--quiet", "--allow-empty", "-m", message}, where);
    m_now += 60;
    return git_line({"rev-parse", "HEAD"}, where);
}

void RepoFixture::branch(const std::string& name, const std::string& start) {
    git({"branch", name, start});
}

void RepoFixture::checkout(const std::string& name, const fs::path& dir) {
    git({"checkout", "--quiet", name}, dir);
}

std::string RepoFixture::merge(const std::string& rev, const fs::path& dir) {
    git({"merge", "--quiet", "--no-ff", "--no-edit", rev}, dir);
    m_now += 60;
    return git_line({"rev-parse", "HEAD"}, dir);
}

std::string RepoFixture::revert(const std::string& commit, const fs::path& dir) {
    git({"revert", "--no-edit", commit}, dir);
    m_now += 60;
    return git_line({"rev-parse", "HEAD"}, dir);
}

std::string RepoFixture::rebase(const std::string& onto, const fs::path& dir) {
    git({"rebase", "--quiet", onto}, dir);
    m_now += 60;
    return git_line({"rev-parse", "HEAD"}, dir);
}

fs::path RepoFixture::spawn(const std::string& id, const std::string& desc,
                            const std::vector<std::string>& needs,
                            const std::vector<std::string>& scopes) {
    model::Context ctx = context();
    return ops::spawn(ctx, {id, desc, "", needs, scopes}).worktree;
}

model::Context RepoFixture::context(const fs::path& dir) const {
    return model::open_context(dir.empty() ? m_path.string() : dir.string());
}

} // namespace porch::test
