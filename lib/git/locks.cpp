#include "git/locks.hpp"

#include <algorithm>
#include <sys/stat.h>

namespace porch::git {

namespace fs = std::filesystem;

std::vector<StaleLock> stale_locks(const git::Repo& repo, std::chrono::seconds min_age) {
    const fs::path common = repo.common_dir();
    std::vector<fs::path> candidates;
    std::error_code ec;
    for (const char* name : {"index.lock", "HEAD.lock", "packed-refs.lock", "config.lock"})
        candidates.push_back(common / name);
    for (const char* folder : {"refs", "worktrees"}) {
        if (!fs::is_directory(common / folder, ec))
            continue;
        for (auto it = fs::recursive_directory_iterator(common / folder, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            if (it->path().extension() == ".lock")
                candidates.push_back(it->path());
    }
    const auto now = fs::file_time_type::clock::now();
    std::vector<StaleLock> out;
    for (const auto& lock : candidates) {
        std::error_code probe;
        if (!fs::is_regular_file(fs::symlink_status(lock, probe)))
            continue;
        auto written = fs::last_write_time(lock, probe);
        if (probe)
            continue;
        auto age = std::chrono::duration_cast<std::chrono::seconds>(now - written);
        if (age >= min_age)
            out.push_back({lock, age});
    }
    std::sort(out.begin(), out.end(),
              [](const StaleLock& a, const StaleLock& b) { return a.path < b.path; });
    return out;
}

fs::path ref_lock_path(const git::Repo& repo, const RefName& ref) {
    return fs::path(repo.common_dir()) / (ref.str() + ".lock");
}

std::optional<LockStamp> ref_lock_stamp(const git::Repo& repo, const RefName& ref) {
    struct stat st {};
    if (::lstat(ref_lock_path(repo, ref).c_str(), &st) != 0)
        return std::nullopt;
    return LockStamp{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                     static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                         st.st_mtim.tv_nsec};
}

} // namespace porch::git
