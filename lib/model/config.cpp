#include "model/config.hpp"

#include "model/naming.hpp"
#include "model/scope.hpp"
#include "model/toml_read.hpp"
#include "util/error.hpp"
#include "util/file.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <toml++/toml.h>
#include <utility>

namespace porch::config {

namespace {

[[noreturn]] void fail_at(std::string_view source, const toml::source_region& where,
                          const std::string& message) {
    config::fail_at(source, where, message,
                    "fix " + std::string(file_name) + ", or see CONFIGURATION in git-porch(1)");
}

class Reader {
public:
    explicit Reader(std::string_view source) : m_source(source) {}

    std::string string(const toml::node& node, const std::string& key) {
        if (auto v = node.value<std::string>(); v && node.is_string())
            return toml_unshield(*v);
        fail_at(m_source, node.source(), "'" + key + "' must be a string, not " + type_name(node));
    }

    bool boolean(const toml::node& node, const std::string& key) {
        if (auto v = node.value<bool>(); v && node.is_boolean())
            return *v;
        fail_at(m_source, node.source(), "'" + key + "' must be a boolean, not " + type_name(node));
    }

    // An integer from `low` to `high`.
    std::int64_t count(const toml::node& node, const std::string& key, std::int64_t low,
                       std::int64_t high) {
        auto v = node.value<std::int64_t>();
        if (!v || !node.is_integer())
            fail_at(m_source, node.source(),
                    "'" + key + "' must be an integer, not " + type_name(node));
        if (*v < low || *v > high)
            fail_at(m_source, node.source(),
                    "'" + key + "' must be from " + std::to_string(low) + " to " +
                        std::to_string(high) + ", not " + std::to_string(*v));
        return *v;
    }

    std::string branch_template(const toml::node& node, const std::string& key) {
        std::string text = string(node, key);
        std::optional<protocol::Template> t;
        try {
            t.emplace(text, key);
        } catch (const Error& e) {
            fail_at(m_source, node.source(), e.what());
        }
        // "lock" too: after a literal '.', an id or desc of "lock" would end a component in
        // ".lock".
        const std::pair<const char*, const char*> samples[] = {
            {"1", "sample"}, {"lock", "sample"}, {"1", "lock"}};
        for (const auto& [id, desc] : samples) {
            std::string sample = t->expand(id, desc);
            if (!is_valid_branch_name(sample))
                fail_at(m_source, node.source(),
                        "'" + key + "' does not make a valid branch name (e.g. " +
                            protocol::quote(sample) + ")");
        }
        return text;
    }

    std::string path_template(const toml::node& node, const std::string& key) {
        std::string text = string(node, key);
        try {
            protocol::Template t(text, key);
        } catch (const Error& e) {
            fail_at(m_source, node.source(), e.what());
        }
        std::filesystem::path p(text);
        bool escapes = p.is_absolute() || text.empty();
        for (const auto& part : p)
            escapes = escapes || part == "..";
        if (escapes)
            fail_at(m_source, node.source(),
                    "'" + key + "' must be a relative path inside the repository");
        return text;
    }

    // Reported where the key is written, not where its value is.
    [[noreturn]] void unknown(const toml::key& k, const std::string& key) {
        fail_at(m_source, k.source(), "unknown key '" + key + "'");
    }

    std::string_view source() const { return m_source; }

private:
    std::string_view m_source;
};

void read_naming(Reader& r, const toml::table& table, Config& cfg) {
    for (const auto& [k, node] : table) {
        std::string key(k.str());
        if (key == "worktree")
            cfg.worktree_template = r.path_template(node, "naming.worktree");
        else if (key == "branch")
            cfg.branch_template = r.branch_template(node, "naming.branch");
        else if (key == "integration") {
            std::string text = r.string(node, "naming.integration");
            std::string sample = text;
            auto pos = sample.find("{feature}");
            if (pos == std::string::npos || sample.find('{', pos + 1) != std::string::npos ||
                sample.find('{') < pos)
                fail_at(r.source(), node.source(),
                        "'naming.integration' must contain {feature} and no other placeholder");
            for (const char* feature : {"sample", "lock"}) // "lock": see branch_template
                if (!is_valid_branch_name(std::string(sample).replace(pos, 9, feature)))
                    fail_at(r.source(), node.source(),
                            "'naming.integration' does not make a valid branch name");
            cfg.integration_template = text;
        } else
            r.unknown(k, "naming." + key);
    }
}

// A list of strings, each checked by `check` (which fails with the element's place).
template <typename Check>
std::vector<std::string> strings(Reader& r, const toml::node& node, const std::string& key,
                                 const std::string& what, Check check) {
    const toml::array* list = node.as_array();
    if (!list)
        fail_at(r.source(), node.source(),
                "'" + key + "' must be an array of " + what + ", not " + type_name(node));
    std::vector<std::string> out;
    for (const auto& item : *list) {
        if (!item.is_string())
            fail_at(r.source(), item.source(),
                    "'" + key + "' must be an array of " + what + ": " + type_name(item) +
                        " is not one");
        out.push_back(check(r.string(item, key), item));
    }
    return out;
}

// A [worktree] copy or clone entry: relative, inside the repository (no "..", not absolute).
std::string inside_path(Reader& r, const std::string& key, std::string text,
                        const toml::node& item) {
    const std::filesystem::path p(text);
    bool escapes = p.is_absolute() || text.empty() || text.front() == '~';
    for (const auto& part : p)
        escapes = escapes || part == "..";
    if (escapes)
        fail_at(r.source(), item.source(),
                "'" + key + "': " + protocol::quote(text) +
                    " names a path outside the repository (give one relative to the main "
                    "worktree, without '..')");
    if (text.find('\0') != std::string::npos || text.size() > max_worktree_entry_size)
        fail_at(r.source(), item.source(),
                "'" + key + "': " + protocol::quote(text) + " is not a path");
    return text;
}

std::vector<std::string> bounded(Reader& r, const toml::node& node, const std::string& key,
                                 std::vector<std::string> list) {
    if (list.size() > max_worktree_entries)
        fail_at(r.source(), node.source(),
                "'" + key + "' has " + std::to_string(list.size()) + " entries; at most " +
                    std::to_string(max_worktree_entries));
    return list;
}

void read_worktree(Reader& r, const toml::table& table, Config& cfg) {
    for (const auto& [k, node] : table) {
        const std::string name(k.str()), key = "worktree." + name;
        auto path = [&](std::string text, const toml::node& item) {
            return inside_path(r, key, std::move(text), item);
        };
        if (name == "copy")
            cfg.worktree_copy = bounded(r, node, key, strings(r, node, key, "globs", path));
        else if (name == "clone")
            cfg.worktree_clone = bounded(r, node, key, strings(r, node, key, "folders", path));
        else if (name == "setup")
            cfg.worktree_setup = bounded(
                r, node, key,
                strings(r, node, key, "commands", [&](std::string cmd, const toml::node& item) {
                    if (util::trim(cmd).empty() || cmd.size() > max_worktree_entry_size ||
                        cmd.find('\0') != std::string::npos)
                        fail_at(r.source(), item.source(),
                                "'" + key + "': a command must be 1 to " +
                                    std::to_string(max_worktree_entry_size) + " bytes");
                    return cmd;
                }));
        else if (name == "setup_timeout")
            cfg.setup_timeout_seconds = r.count(node, key, 1, 24 * 3600);
        else
            r.unknown(k, key);
    }
}

void read_checks(Reader& r, const toml::node& node, Config& cfg) {
    std::vector<std::string> seen;
    cfg.qa_checks =
        strings(r, node, "qa.checks", "check names", [&](std::string name, const toml::node& item) {
            if (!is_check_name(name))
                fail_at(r.source(), item.source(),
                        "'qa.checks': " + protocol::quote(name) +
                            " is not a check name (a lowercase letter, then "
                            "lowercase letters, digits and '-')");
            if (std::find(seen.begin(), seen.end(), name) != seen.end())
                fail_at(r.source(), item.source(), "'qa.checks' names " + name + " twice");
            seen.push_back(name);
            return name;
        });
}

void read_check_paths(Reader& r, const toml::table& table, Config& cfg) {
    for (const auto& [k, node] : table) {
        const std::string check(k.str()), key = "qa.paths." + check;
        auto paths = strings(r, node, key, "paths", [&](std::string path, const toml::node& item) {
            try {
                return protocol::normalise_scope(path);
            } catch (const Error& e) {
                fail_at(r.source(), item.source(), "'" + key + "': " + e.what());
            }
        });
        if (paths.empty())
            fail_at(r.source(), node.source(),
                    "'" + key + "' names no path: remove it to require " + check +
                        " of every task");
        cfg.qa_check_paths[check] = std::move(paths);
    }
}

void read_qa(Reader& r, const toml::table& table, Config& cfg) {
    for (const auto& [k, node] : table) {
        const std::string key(k.str());
        if (key == "required")
            cfg.qa_required = r.boolean(node, "qa.required");
        else if (key == "checks")
            read_checks(r, node, cfg);
        else if (key == "paths" && node.is_table())
            read_check_paths(r, *node.as_table(), cfg);
        else if (key == "paths")
            fail_at(r.source(), node.source(), "'qa.paths' must be a table");
        else
            r.unknown(k, "qa." + key);
    }
    // Only now are qa.checks and qa.required both known, whatever their order in the file.
    const auto required = required_checks(cfg);
    if (auto* paths = table.get_as<toml::table>("paths"))
        for (const auto& [k, node] : *paths)
            if (std::find(required.begin(), required.end(), k.str()) == required.end())
                fail_at(r.source(), k.source(),
                        "'qa.paths." + std::string(k.str()) + "': " + std::string(k.str()) +
                            " is not in qa.checks (add it there, or remove this line)");
}

} // namespace

bool is_check_name(std::string_view name) {
    if (name.empty() || name.size() > 32 || name.front() < 'a' || name.front() > 'z')
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

std::vector<std::string> required_checks(const Config& config) {
    std::vector<std::string> out;
    const std::string qa(default_check);
    if (config.qa_required &&
        std::find(config.qa_checks.begin(), config.qa_checks.end(), qa) == config.qa_checks.end())
        out.push_back(qa);
    out.insert(out.end(), config.qa_checks.begin(), config.qa_checks.end());
    return out;
}

std::vector<std::string> known_checks(const Config& config) {
    auto out = required_checks(config);
    if (std::find(out.begin(), out.end(), default_check) == out.end())
        out.insert(out.begin(), std::string(default_check));
    return out;
}

namespace {

constexpr std::uint32_t shield_base = 0xF0000; // Supplementary Private Use Area-A (plane 15)

void put_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// The code point of the well-formed UTF-8 sequence at text[i] and its length; length 0 when
// the bytes there are not one.
std::pair<std::uint32_t, std::size_t> code_point_at(std::string_view text, std::size_t i) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80             ? 1
                      : (c & 0xE0) == 0xC0 ? 2
                      : (c & 0xF0) == 0xE0 ? 3
                      : (c & 0xF8) == 0xF0 ? 4
                                           : 0;
    if (len == 0 || i + len > text.size() || !util::is_valid_utf8(text.substr(i, len)))
        return {0, 0};
    std::uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    return {cp, len};
}

} // namespace

void fail_at(std::string_view source, const toml::source_region& where, const std::string& message,
             const std::string& hint) {
    throw Error(ErrorKind::fatal,
                std::string(source) + ":" + std::to_string(where.begin.line) + ":" +
                    std::to_string(where.begin.column) + ": " + toml_unshield(message),
                hint);
}

std::string type_name(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a number";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    default:
        return "a date or time";
    }
}

std::string toml_shield(std::string_view text, std::string_view source_name,
                        std::string_view file) {
    // ASCII is left as it is, and it is most files: decoding it a code point at a time was a
    // tenth of each hook's instructions.
    if (std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; }))
        return std::string(text);
    std::string out;
    out.reserve(text.size() + text.size() / 4);
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < text.size();) {
        auto [cp, len] = code_point_at(text, i);
        if (len == 0) { // invalid UTF-8: toml++ reports it with its position
            out += text[i++];
            ++column;
            continue;
        }
        if (cp >= shield_base && cp < shield_base + 0x10000)
            throw Error(ErrorKind::fatal,
                        std::string(source_name) + ":" + std::to_string(line) + ":" +
                            std::to_string(column) + ": a private-use character (plane 15)",
                        "fix " + std::string(file) + ": remove the character");
        if (cp >= 0x80 && cp <= 0xFEFF)
            put_utf8(out, shield_base + cp);
        else
            out.append(text.substr(i, len));
        if (cp == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
        i += len;
    }
    return out;
}

std::string toml_unshield(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        auto [cp, len] = code_point_at(text, i);
        if (len == 4 && cp >= shield_base + 0x80 && cp <= shield_base + 0xFEFF) {
            put_utf8(out, cp - shield_base);
            i += 4;
        } else {
            std::size_t n = len == 0 ? 1 : len;
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

namespace {

// The text with each line that is only a comment (printable ASCII after any blanks) left empty,
// so toml++ reads the same document in a fraction of the time (the file `git porch init` writes
// is mostly comments, and every hook reads it). Line numbers stay, and so do error positions.
// Only where no multi-line string can start: in one, a line beginning with '#' is text.
std::string blank_comment_lines(std::string text) {
    if (text.find("\"\"\"") != std::string::npos || text.find("'''") != std::string::npos)
        return text;
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t end = text.find('\n', pos);
        const std::string_view line(text.data() + pos,
                                    (end == std::string::npos ? text.size() : end) - pos);
        const std::size_t first = line.find_first_not_of(" \t");
        const bool comment =
            end != std::string::npos && first != std::string_view::npos && line[first] == '#' &&
            std::all_of(line.begin(), line.end(),
                        [](char c) { return c == '\t' || (c >= 0x20 && c < 0x7f); });
        if (!comment)
            out.append(line);
        if (end == std::string::npos)
            break;
        out += '\n';
        pos = end + 1;
    }
    return out;
}

} // namespace

Config parse(std::string_view toml_text, std::string_view source_name) {
    const std::string shielded =
        blank_comment_lines(toml_shield(toml_text, source_name, file_name));
    toml::table root;
    try {
        root = toml::parse(shielded, source_name);
    } catch (const toml::parse_error& e) {
        fail_at(source_name, e.source(), std::string(e.description()));
    }
    Config cfg;
    Reader r(source_name);
    for (const auto& [k, node] : root) {
        std::string key(k.str());
        if (key == "base_branch") {
            std::string base = r.string(node, key);
            if (!is_valid_branch_name(base))
                fail_at(source_name, node.source(), "'base_branch' is not a valid branch name");
            cfg.base_branch = base;
        } else if (key == "stall_after") {
            std::optional<std::int64_t> seconds;
            if (node.is_integer())
                seconds = node.value<std::int64_t>();
            else if (node.is_string())
                seconds = util::parse_duration(*node.value<std::string>());
            else
                fail_at(source_name, node.source(),
                        "'stall_after' must be a duration such as \"2h\" or \"90m\", not " +
                            type_name(node));
            if (!seconds || *seconds <= 0)
                fail_at(source_name, node.source(),
                        "'stall_after' must be a positive duration such as \"2h\" or \"90m\"");
            cfg.stall_after_seconds = *seconds;
        } else if (key == "naming") {
            if (!node.is_table())
                fail_at(source_name, node.source(), "'naming' must be a table");
            read_naming(r, *node.as_table(), cfg);
        } else if (key == "parallelization") {
            if (!node.is_table())
                fail_at(source_name, node.source(), "'parallelization' must be a table");
            for (const auto& [pk, pnode] : *node.as_table()) {
                const std::string name(pk.str()), full = "parallelization." + name;
                if (name == "enabled")
                    cfg.parallel_enabled = r.boolean(pnode, full);
                else if (name == "min_tasks")
                    cfg.min_tasks = r.count(pnode, full, 1, 1000);
                else if (name == "max_agents")
                    cfg.max_agents = r.count(pnode, full, 1, 1000);
                else if (name == "auto_cleanup")
                    cfg.auto_cleanup = r.boolean(pnode, full);
                else if (name == "retry_on_failure")
                    cfg.retry_on_failure = r.count(pnode, full, 0, 100);
                else
                    r.unknown(pk, full);
            }
        } else if (key == "qa") {
            if (!node.is_table())
                fail_at(source_name, node.source(), "'qa' must be a table");
            read_qa(r, *node.as_table(), cfg);
        } else if (key == "protocol") {
            if (!node.is_table())
                fail_at(source_name, node.source(), "'protocol' must be a table");
            for (const auto& [pk, pnode] : *node.as_table()) {
                if (pk.str() != "complete_with_uncommitted")
                    r.unknown(pk, "protocol." + std::string(pk.str()));
                const std::string value = r.string(pnode, "protocol.complete_with_uncommitted");
                if (value != "refuse" && value != "warn")
                    fail_at(source_name, pnode.source(),
                            "'protocol.complete_with_uncommitted' must be \"refuse\" or \"warn\", "
                            "not " +
                                protocol::quote(value));
                cfg.complete_with_uncommitted = value == "warn" ? LeftOut::warn : LeftOut::refuse;
            }
        } else if (key == "worktree") {
            if (!node.is_table())
                fail_at(source_name, node.source(), "'worktree' must be a table");
            read_worktree(r, *node.as_table(), cfg);
        } else if (key == "status") {
            if (!node.is_table())
                fail_at(source_name, node.source(), "'status' must be a table");
            for (const auto& [sk, snode] : *node.as_table()) {
                if (sk.str() == "behind_alert")
                    cfg.behind_alert = r.count(snode, "status.behind_alert", 0, 1000000);
                else
                    r.unknown(sk, "status." + std::string(sk.str()));
            }
        } else if (key == "integrate") {
            if (!node.is_table())
                fail_at(source_name, node.source(), "'integrate' must be a table");
            for (const auto& [ik, inode] : *node.as_table()) {
                if (ik.str() == "verify")
                    cfg.integrate_verify = r.string(inode, "integrate.verify");
                else
                    r.unknown(ik, "integrate." + std::string(ik.str()));
            }
        } else {
            r.unknown(k, key);
        }
    }
    return cfg;
}

Config load(const std::string& path) {
    auto text = util::read_file(path);
    if (!text) {
        if (!std::filesystem::exists(path))
            return {};
        text = util::read_file(path); // it may have appeared just now (a concurrent init)
        if (!text)
            throw Error(ErrorKind::fatal, "cannot read " + path);
    }
    return parse(*text, file_name);
}

std::string_view default_file_text() {
    return R"(# git porch team settings. Commit this file: everyone on the team shares it.
# Personal settings live in git config under porch.* instead.
# Every key below is commented out; uncomment one to change it.

# The branch workers start from and are integrated into.
# Default: main, else master, else the branch checked out in the main worktree.
# base_branch = "main"

# A worker with no commit for this long is reported as stalled (s, m, h, d, w).
# stall_after = "2h"

[naming]
# Where worker worktrees go, relative to the main worktree. {id} and {desc} are filled in.
# worktree = "worktrees/task-{id}-{desc}"
# Worker branches.
# branch = "work/task-{id}-{desc}"
# Integration branches.
# integration = "integration/{feature}"

[status]
# A worker whose branch lacks this many commits of the base branch gets an alert with the
# merge that catches it up; 0: never.
# behind_alert = 50

[integrate]
# A command run (by sh, in the integration worktree) after each merge of git porch integrate;
# when it fails, integration stops as on a conflict. Default: none.
# verify = "make test"

[worktree]
# What each new worker worktree gets from the main worktree besides its checkout (spawn, pool
# acquire, plan apply, checkout). Paths are relative to the main worktree and stay inside it.
# Files to copy, as globs (typically ignored ones). Default: none.
# copy = [".env", "config/*.local"]
# Folders to clone, copy-on-write where the filesystem can (build caches, dependencies).
# clone = ["node_modules", ".venv"]
# Commands run (by sh) in the new worktree; they run only after git porch setup --trust.
# setup = ["npm ci"]
# Seconds a setup command may take before it is killed.
# setup_timeout = 600

[parallelization]
# false: git porch plan check always chooses the sequential mode.
# enabled = true
# Fewer independent tasks than this: sequential.
# min_tasks = 3
# Workers per wave at most.
# max_agents = 5
# Remove merged workers' worktrees after git porch integrate --finish.
# auto_cleanup = false
# Attempts per task that git porch retry allows.
# retry_on_failure = 3

[qa]
# true: git porch integrate merges only workers that QA approved (as checks = ["qa"]).
# required = false
# The checks a worker needs before integration, each judged by its own verdict
# (git porch qa approve|reject|block <worker> --check <name>). Default: none.
# checks = ["qa", "e2e"]

[qa.paths]
# A check named here is required only of workers whose scope or changes touch these paths.
# e2e = ["web/**", "ui/**"]

[protocol]
# A [COMPLETE] commit that leaves out changed or untracked files of the worker's scope:
# "refuse" it (listing them), or let it pass with a "warn"ing.
# complete_with_uncommitted = "refuse"
)";
}

bool is_valid_branch_name(std::string_view name) {
    if (name.empty() || name.front() == '/' || name.back() == '/' || name.back() == '.' ||
        name.front() == '-' || name == "HEAD" || name.find("..") != std::string_view::npos ||
        name.find("//") != std::string_view::npos || name.find("@{") != std::string_view::npos ||
        name == "@")
        return false;
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7f || c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' ||
            c == '*' || c == '[' || c == '\\')
            return false;
    std::size_t start = 0;
    while (start <= name.size()) {
        auto end = name.find('/', start);
        auto part = name.substr(start, end == std::string_view::npos ? end : end - start);
        if (part.empty() || part.front() == '.' || part.ends_with(".lock"))
            return false;
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    return true;
}

} // namespace porch::config
