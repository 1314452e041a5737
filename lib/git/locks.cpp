#include "git/locks.hpp"

#include <algorithm>

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

} // namespace porch::git
