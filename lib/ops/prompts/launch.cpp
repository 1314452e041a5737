#include "ops/prompts/launch.hpp"

#include "model/setup.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>

namespace porch::prompts {

namespace fs = std::filesystem;

std::vector<std::string> split_command(std::string_view command) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    for (std::size_t i = 0; i < command.size(); ++i) {
        char c = command[i];
        if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word)
                words.push_back(std::move(word));
            word.clear();
            in_word = false;
            continue;
        }
        in_word = true;
        if (c == '\\' && i + 1 < command.size()) {
            word += command[++i];
        } else if (c == '\'') {
            auto end = command.find('\'', i + 1);
            if (end == std::string_view::npos)
                throw Error(ErrorKind::fatal,
                            std::string(agent_command_key) + " has an unclosed ' quote");
            word += command.substr(i + 1, end - i - 1);
            i = end;
        } else if (c == '"') {
            std::size_t j = i + 1;
            for (; j < command.size() && command[j] != '"'; ++j) {
                // Inside double quotes a backslash escapes only these, as in the shell.
                if (command[j] == '\\' && j + 1 < command.size() &&
                    std::string_view("\"\\$`").find(command[j + 1]) != std::string_view::npos)
                    ++j;
                word += command[j];
            }
            if (j >= command.size())
                throw Error(ErrorKind::fatal,
                            std::string(agent_command_key) + " has an unclosed \" quote");
            i = j;
        } else {
            word += c;
        }
    }
    if (in_word)
        words.push_back(std::move(word));
    if (words.empty())
        throw Error(ErrorKind::fatal, std::string(agent_command_key) + " is empty",
                    "git config " + std::string(agent_command_key) + " '<your agent command>'");
    return words;
}

namespace {

// A here-document ends at the first line equal to its delimiter: pick one no line matches.
std::string delimiter_for(const std::string& prompt) {
    for (int n = 0;; ++n) {
        std::string d = "PORCH_PROMPT_END" + (n == 0 ? std::string() : "_" + std::to_string(n));
        bool clash = false;
        std::size_t start = 0;
        while (start <= prompt.size() && !clash) {
            auto end = prompt.find('\n', start);
            std::string_view line(prompt.data() + start,
                                  (end == std::string::npos ? prompt.size() : end) - start);
            clash = line == d;
            if (end == std::string::npos)
                break;
            start = end + 1;
        }
        if (!clash)
            return d;
    }
}

} // namespace

std::string launch_script(const Assignment& a, const std::vector<std::string>& agent,
                          const std::string& prompt) {
    // bash reads a here-document up to a NUL no further: keep the prompt free of them.
    std::string body;
    for (char c : prompt)
        if (c != '\0')
            body += c;
    while (!body.empty() && body.back() == '\n')
        body.pop_back();
    std::string delim = delimiter_for(body);

    std::string out = "#!/usr/bin/env bash\n";
    out += "# Launches worker " + a.worker + " with its kickoff prompt; written by\n";
    out += "# `git porch kickoff " + a.worker + " --script` (run it again to rewrite this file).\n";
    out += "# The agent command is your git config porch.agentCommand.\n";
    out += "set -eu\n";
    out += "cd -- " + util::shell_quote(a.worktree) + "\n";
    // A quoted delimiter: nothing in the body is expanded. read -d '' stops at the end of the
    // text (and fails there, hence || true); the here-document's final newline is dropped.
    out += "IFS= read -r -d '' prompt <<'" + delim + "' || true\n";
    out += body + "\n" + delim + "\n";
    out += "prompt=${prompt%$'\\n'}\n";
    out += "exec";
    for (const auto& word : agent)
        out += " " + util::shell_quote(word);
    out += " \"$prompt\"\n";
    return out;
}

std::string write_launch_script(const model::Context& ctx, const Assignment& a,
                                const std::vector<std::string>& agent, const std::string& prompt) {
    if (!ctx.root)
        throw Error(ErrorKind::fatal, "cannot write launch scripts in a bare repository");
    fs::path dir = fs::path(*ctx.root) / scripts_dir;
    // Excluded before the file exists, so it never shows as untracked.
    model::ensure_line(fs::path(ctx.repo.common_dir()) / "info" / "exclude",
                       std::string(scripts_dir) + "/");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw Error(ErrorKind::fatal, "cannot create " + dir.string() + ": " + ec.message());
    // The name is built from the branch name: keep it a plain file name whatever that holds.
    std::string name = "worker-" + a.id + "-" + a.desc;
    for (auto& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            c = '-';
    fs::path path = dir / (name + ".sh");
    fs::path tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << launch_script(a, agent, prompt);
        if (!out.flush())
            throw Error(ErrorKind::fatal, "cannot write " + tmp.string());
    }
    fs::permissions(tmp,
                    fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                        fs::perms::others_read | fs::perms::others_exec,
                    ec);
    if (!ec)
        fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp);
        throw Error(ErrorKind::fatal, "cannot write " + path.string() + ": " + ec.message());
    }
    return path.string();
}

} // namespace porch::prompts
