// Config: reads (including `git -c` and GIT_CONFIG_COUNT settings, which libgit2 never sees),
// writes to the repository's own config, and the user's signature.
#include "git/repo_impl.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <git2/sys/repository.h>
#include <memory>

namespace porch::git {

using namespace detail;

namespace {

// Section and variable names are case-insensitive; a subsection keeps its case.
std::string lower_key(std::string_view key) {
    std::string out(key);
    auto first = out.find('.');
    auto last = out.rfind('.');
    for (std::size_t i = 0; i < out.size(); ++i)
        if (i < first || i > last)
            out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
    return out;
}

// GIT_CONFIG_COUNT with GIT_CONFIG_KEY_<n>/GIT_CONFIG_VALUE_<n> (git --config-env, CI systems);
// the last match wins, as in git.
std::optional<std::string> config_count_env(const std::string& wanted) {
    std::optional<std::string> found;
    const char* count = std::getenv("GIT_CONFIG_COUNT");
    if (count == nullptr)
        return found;
    int n = std::atoi(count);
    for (int i = 0; i < n && i < 1000; ++i) {
        const char* k = std::getenv(("GIT_CONFIG_KEY_" + std::to_string(i)).c_str());
        const char* v = std::getenv(("GIT_CONFIG_VALUE_" + std::to_string(i)).c_str());
        if (k && v && lower_key(k) == wanted)
            found = v;
    }
    return found;
}

// Parses GIT_CONFIG_PARAMETERS (`git -c`): shell-quoted 'key'='value' (git >= 2.31) or
// 'key=value' items; the last match wins, as in git.
std::optional<std::string> config_parameters_env(const std::string& wanted) {
    const char* raw = std::getenv("GIT_CONFIG_PARAMETERS");
    if (raw == nullptr)
        return std::nullopt;
    std::optional<std::string> found;
    std::string_view text(raw);
    std::size_t i = 0;
    auto quoted = [&](std::string& out) {
        if (i >= text.size() || text[i] != '\'')
            return false;
        ++i;
        while (i < text.size()) {
            if (text[i] == '\'') {
                if (text.substr(i, 4) == "'\\''") {
                    out += '\'';
                    i += 4;
                    continue;
                }
                ++i;
                return true;
            }
            out += text[i++];
        }
        return false;
    };
    while (i < text.size()) {
        while (i < text.size() && text[i] == ' ')
            ++i;
        std::string key, value;
        if (!quoted(key))
            break;
        if (i < text.size() && text[i] == '=') {
            ++i;
            if (!quoted(value))
                break;
        } else if (auto eq = key.find('='); eq != std::string::npos) {
            value = key.substr(eq + 1);
            key.resize(eq);
        }
        if (lower_key(key) == wanted)
            found = value;
    }
    return found;
}

// A setting from git's environment; `git -c` wins over GIT_CONFIG_COUNT, as in git.
std::optional<std::string> env_config(std::string_view wanted_key) {
    const std::string wanted = lower_key(wanted_key);
    if (auto v = config_parameters_env(wanted))
        return v;
    return config_count_env(wanted);
}

// libgit2 reads its own settings (core.*, once each) from the repository's config, and a live
// config stats every file before each lookup (~10 stats in a hook); so the repository reads the
// snapshot porch reads. Writes go through the live config, and a new snapshot is taken after.
// The live config: loaded by the first snapshot, before the repository's is replaced by one.
git_config* live_config(git_repository* repo, ConfigPtr& live) {
    if (!live) {
        git_config* raw = nullptr;
        check(git_repository_config(&raw, repo), "cannot read git config");
        live.reset(raw);
    }
    return live.get();
}

git_config* snapshot(git_repository* repo, ConfigPtr& live, ConfigPtr& cache) {
    if (!cache) {
        git_config* raw = nullptr;
        check(git_config_snapshot(&raw, live_config(repo, live)), "cannot read git config");
        cache.reset(raw);
        check(git_repository_set_config(repo, raw), "cannot read git config");
    }
    return cache.get();
}

} // namespace

std::optional<std::string> Repo::config_string(std::string_view key) const {
    // libgit2 never sees `git -c` settings; git's hooks and users rely on them.
    if (auto v = env_config(key))
        return v;
    git_config* cfg = snapshot(m_impl->repo.get(), m_impl->live, m_impl->config);
    const char* value = nullptr;
    int rc = git_config_get_string(&value, cfg, str(key).c_str());
    if (rc == GIT_ENOTFOUND)
        return std::nullopt;
    check(rc, "cannot read config " + str(key));
    return std::string(value);
}

std::optional<bool> Repo::config_bool(std::string_view key) const {
    if (auto v = env_config(key)) {
        int value = 0;
        if (git_config_parse_bool(&value, v->c_str()) == 0)
            return value != 0;
        if (v->empty())
            return true; // `git -c key` alone means true
        throw Error(ErrorKind::fatal, "bad boolean config value '" + *v + "' for " + str(key));
    }
    git_config* cfg = snapshot(m_impl->repo.get(), m_impl->live, m_impl->config);
    int value = 0;
    int rc = git_config_get_bool(&value, cfg, str(key).c_str());
    if (rc == GIT_ENOTFOUND)
        return std::nullopt;
    check(rc, "bad boolean config value for " + str(key));
    return value != 0;
}

void Repo::refresh_config() {
    m_impl->config.reset();
    snapshot(m_impl->repo.get(), m_impl->live, m_impl->config);
}

// A remote is a `remote.<name>.url` (or pushurl) entry, as for git_remote_list; read by walking
// the config because git_remote_list's regex match leaks PCRE2 match data in libgit2 1.5.1.
std::vector<std::string> Repo::remotes() const {
    git_config_iterator* raw = nullptr;
    check(git_config_iterator_new(&raw, snapshot(m_impl->repo.get(), m_impl->live, m_impl->config)),
          "cannot list the remotes");
    std::unique_ptr<git_config_iterator, void (*)(git_config_iterator*)> iter(
        raw, git_config_iterator_free);
    std::vector<std::string> out;
    git_config_entry* entry = nullptr;
    while (git_config_next(&entry, iter.get()) == 0) {
        std::string_view key = entry->name;
        auto last = key.rfind('.');
        if (!key.starts_with("remote.") || last <= 7)
            continue;
        auto variable = lower_key(key.substr(last));
        if (variable == ".url" || variable == ".pushurl")
            out.emplace_back(key.substr(7, last - 7));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void Repo::set_config_string(std::string_view key, std::string_view value) {
    git_config* local_raw = nullptr;
    check(git_config_open_level(&local_raw, live_config(m_impl->repo.get(), m_impl->live),
                                GIT_CONFIG_LEVEL_LOCAL),
          "cannot open the repository's config");
    ConfigPtr local(local_raw);
    check(git_config_set_string(local.get(), str(key).c_str(), str(value).c_str()),
          "cannot write config " + str(key));
    refresh_config(); // the snapshot is stale now
}

Signature Repo::default_signature() const {
    git_signature* raw = nullptr;
    if (git_signature_default(&raw, m_impl->repo.get()) == 0) {
        SignaturePtr sig(raw);
        return {sig->name, sig->email};
    }
    return {"git porch", "porch@localhost"};
}

} // namespace porch::git
