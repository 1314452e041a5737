#include "ops/prompts/launch.hpp"

#include "git/cli.hpp"
#include "model/naming.hpp"
#include "model/setup.hpp"
#include "util/error.hpp"
#include "util/file.hpp"
#include "util/text.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

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

// The presets, in the order the documentation lists them. Each passes the prompt where that
// agent reads it, with its flags for unattended work; gives_up goes into the script's comments.
const std::vector<Agent>& presets() {
    static const std::vector<Agent> all{
        {.preset = "claude",
         .command = {"claude", "--dangerously-skip-permissions"},
         .gives_up =
             {
                 "claude --dangerously-skip-permissions <prompt>: the seeds' template, an",
                 "interactive session. It needs a terminal, and it stays open after the worker's",
                 "[COMPLETE]: close it yourself. It gives up every permission check: claude runs",
                 "any command and edits any file, in the worktree or not, without asking, so run "
                 "it",
                 "where that is acceptable (a container or a VM); Claude Code refuses the flag as",
                 "root. `claude -p` would exit when done, but it runs no tool that needs a",
                 "permission (the seeds: -p does not run tools).",
             },
         .warnings = {"claude runs with --dangerously-skip-permissions: no permission checks at "
                      "all, and its session stays open after [COMPLETE]"},
         .hooks = SessionHooks::claude},
        {.preset = "codex",
         // notify: codex runs it with a JSON argument after each turn (git porch agent-hook).
         .command = {"codex", "exec", "-c", "notify=[\"git\",\"porch\",\"agent-hook\",\"codex\"]",
                     "--dangerously-bypass-approvals-and-sandbox"},
         .no_stdin = true,
         .gives_up =
             {
                 "codex exec --dangerously-bypass-approvals-and-sandbox <prompt>: runs the task",
                 "without a terminal and exits. It gives up codex's approvals and its sandbox: in",
                 "the sandbox (--sandbox workspace-write) git's metadata stays read-only, and a",
                 "worktree's git directory lies outside the worktree, so the protocol's commits",
                 "would fail. Standard input is /dev/null: codex exec reads piped input as more",
                 "prompt and would wait for it.",
             },
         .warnings = {"codex runs without approvals or sandbox "
                      "(--dangerously-bypass-approvals-and-sandbox): in its sandbox the "
                      "protocol's git commits would fail"}},
        {.preset = "gemini",
         .command = {"gemini", "--approval-mode", "yolo"},
         .prompt_option = "--prompt",
         .env = {{"GEMINI_CLI_TRUST_WORKSPACE", "true"}},
         .no_stdin = true,
         .gives_up =
             {
                 "gemini --approval-mode yolo --prompt <prompt>: runs the task without a terminal",
                 "and exits, approving every tool call without asking. In a folder it does not",
                 "trust gemini falls back to asking, which nobody can answer here, and a new",
                 "worktree is not trusted: GEMINI_CLI_TRUST_WORKSPACE=true trusts it for this run,",
                 "so gemini also reads the repository's own .gemini settings. Standard input is",
                 "/dev/null: --prompt adds piped input to the prompt.",
             },
         .warnings = {"gemini approves every tool call (--approval-mode yolo) and trusts the "
                      "worktree (GEMINI_CLI_TRUST_WORKSPACE=true), reading the repository's "
                      ".gemini settings; a gemini that ignores that variable stops in the "
                      "untrusted worktree at its first tool call"},
         .hooks = SessionHooks::gemini},
        {.preset = "aider",
         .command = {"aider", "--yes-always", "--no-auto-commits", "--no-gitignore"},
         .prompt_option = "--message",
         .gives_up =
             {
                 "aider --yes-always --no-auto-commits --no-gitignore --message <prompt>: one",
                 "request, then it exits. --message, as aider takes positional arguments for files",
                 "to edit. --no-auto-commits: its own commit messages carry no protocol tag (and",
                 "skip the hooks). --no-gitignore: it would add .aider* to .gitignore, outside the",
                 "worker's scope; its .aider* files stay untracked in the worktree. --yes-always",
                 "answers its questions but declines shell commands: aider runs no git command and",
                 "no verify command itself.",
             },
         .warnings = {"aider makes no commits and runs no commands (--no-auto-commits, "
                      "--yes-always declines them): when it exits, commit its work with the "
                      "prompt's Commit Protocol commands"},
         // aider has no session hooks, and its --notifications-command also fires at the
         // questions --yes-always answers: the script says when it starts and stops.
         .hooks = SessionHooks::script},
    };
    return all;
}

// git config's value, or nullopt when it is unset or blank.
std::optional<std::string> config_value(const git::Repo& repo, std::string_view key) {
    auto value = repo.config_string(key);
    if (!value || util::trim(*value).empty())
        return std::nullopt;
    return value;
}

// A comment line per line of `text`.
std::string comment(std::string_view text) {
    std::string out;
    for (auto line : util::split_lines(text))
        out += util::trim_right("# " + std::string(line)) + "\n";
    return out;
}

} // namespace

const std::vector<std::string>& preset_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& p : presets())
            out.push_back(p.preset);
        return out;
    }();
    return names;
}

std::optional<Agent> find_preset(std::string_view name) {
    for (const auto& p : presets())
        if (p.preset == name)
            return p;
    return std::nullopt;
}

Agent configured_agent(const git::Repo& repo, std::string* overridden) {
    const auto command = config_value(repo, agent_command_key);
    const auto name = config_value(repo, agent_key);
    std::optional<Agent> preset;
    if (name && !(preset = find_preset(util::trim(*name))))
        throw Error(ErrorKind::fatal,
                    std::string(agent_key) + " is " + protocol::quote(util::trim(*name)) +
                        ", not one of " + util::join(preset_names(), ", "),
                    "git config " + std::string(agent_key) + " " + preset_names().front());
    if (command) {
        if (overridden && preset)
            *overridden = preset->preset;
        Agent own;
        own.command = split_command(*command);
        return own;
    }
    if (!preset)
        throw Error(ErrorKind::fatal,
                    "--script needs your agent, from your git config (never from the "
                    "repository): " +
                        std::string(agent_key) + " names a preset (" +
                        util::join(preset_names(), ", ") + "), or " +
                        std::string(agent_command_key) + " is your own command",
                    "git config " + std::string(agent_key) + " " + preset_names().front());
    return *preset;
}

std::string launch_script(const Assignment& a, const Agent& agent, const std::string& prompt) {
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
    if (agent.preset.empty())
        out += "# The agent command is your git config porch.agentCommand.\n";
    else
        out += "# The agent is the preset " + agent.preset + " (git config porch.agent):\n";
    for (const auto& line : agent.gives_up)
        out += comment(line);
    if (a.rejection)
        out += comment("QA rejected the previous attempt: " +
                       (a.rejection->empty() ? std::string("(no reason given)") : *a.rejection));
    if (a.attempt > 0)
        out += comment("Attempt " + std::to_string(a.attempt) + " of " +
                       std::to_string(a.attempts_allowed) + " (git porch retry).");
    out += "set -eu\n";
    for (const auto& w : agent.warnings)
        out += "printf '%s\\n' " + util::shell_quote("git porch: warning: " + w) + " >&2\n";
    out += "cd -- " + util::shell_quote(a.worktree) + "\n";
    // A quoted delimiter: nothing in the body is expanded. read -d '' stops at the end of the
    // text (and fails there, hence || true); the here-document's final newline is dropped.
    out += "IFS= read -r -d '' prompt <<'" + delim + "' || true\n";
    out += body + "\n" + delim + "\n";
    out += "prompt=${prompt%$'\\n'}\n";
    for (const auto& [key, value] : agent.env)
        out += "export " + key + "=" + util::shell_quote(value) + "\n";
    std::string run;
    for (const auto& word : agent.command)
        run += " " + util::shell_quote(word);
    if (!agent.prompt_option.empty())
        run += " " + util::shell_quote(agent.prompt_option);
    run += " \"$prompt\"";
    if (agent.no_stdin)
        run += " </dev/null";
    if (agent.hooks != SessionHooks::script)
        return out + "exec" + run + "\n";
    // Nothing of the hook's stops the agent (not even a git without porch), and the agent's
    // exit status is the script's.
    out += "git porch agent-hook started || true\n";
    out += "status=0\n";
    out += run.substr(1) + " || status=$?\n";
    out += "git porch agent-hook stopped || true\n";
    return out + "exit \"$status\"\n";
}

namespace {

// Where an agent's hook configuration goes, and what it names.
struct HookSettings {
    std::string_view file;    // relative to the worktree
    std::string_view command; // what each hook runs
    std::vector<std::string_view> events;
    std::string_view name; // the hook's name, for agents that list hooks by name; empty: none
};

// The events that say something of the session (hooks::parse_claude and parse_gemini read
// them); tool events take a matcher of every tool.
const HookSettings& settings_for(SessionHooks hooks) {
    static const HookSettings claude{claude_settings,
                                     claude_hook_command,
                                     {"SessionStart", "UserPromptSubmit", "PreToolUse",
                                      "PostToolUse", "Notification", "Stop", "SessionEnd"},
                                     {}};
    static const HookSettings gemini{
        gemini_settings,
        gemini_hook_command,
        {"SessionStart", "BeforeAgent", "AfterTool", "Notification", "AfterAgent", "SessionEnd"},
        "porch-agent-hook"};
    return hooks == SessionHooks::gemini ? gemini : claude;
}

bool tool_event(std::string_view event) {
    return event == "PreToolUse" || event == "PostToolUse" || event == "AfterTool";
}

// The settings file's JSON object; an empty one when there is no file.
nlohmann::json read_settings(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        return nlohmann::json::object();
    const auto text = util::read_file(path.string());
    auto settings = nlohmann::json::parse(text.value_or(""), nullptr, false);
    if (!text || !settings.is_object() ||
        (settings.contains("hooks") && !settings["hooks"].is_object()))
        throw Error(ErrorKind::fatal,
                    path.string() + " is not a JSON object porch can add its hooks to",
                    "fix or move it, then run the same git porch kickoff --script again");
    return settings;
}

// Adds porch's hook to one event's list, once.
void add_hook(nlohmann::json& hooks, std::string_view event, const HookSettings& target) {
    nlohmann::json& groups = hooks[std::string(event)];
    if (!groups.is_array())
        groups = nlohmann::json::array();
    for (const auto& group : groups)
        if (group.is_object() && group.contains("hooks") && group["hooks"].is_array())
            for (const auto& h : group["hooks"])
                if (h.is_object() && h.value("command", "") == target.command)
                    return;
    nlohmann::json hook = {{"type", "command"}, {"command", std::string(target.command)}};
    if (!target.name.empty())
        hook["name"] = std::string(target.name);
    nlohmann::json group = {{"hooks", nlohmann::json::array({std::move(hook)})}};
    if (tool_event(event))
        group["matcher"] = "*";
    groups.push_back(std::move(group));
}

void write_file(const fs::path& path, const std::string& text) {
    fs::path tmp = path;
    tmp += ".porch-tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush())
            throw Error(ErrorKind::fatal, "cannot write " + tmp.string());
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw Error(ErrorKind::fatal, "cannot write " + path.string());
    }
}

} // namespace

HookInstall install_agent_hooks(const model::Context& ctx, const Assignment& a,
                                const Agent& agent) {
    if ((agent.hooks != SessionHooks::claude && agent.hooks != SessionHooks::gemini) ||
        a.worktree.empty())
        return {};
    const HookSettings& target = settings_for(agent.hooks);
    const std::string rel(target.file);
    // A settings file the project tracks would carry porch's hooks into the worker's commits.
    if (git::run_in(a.worktree, {"ls-files", "--error-unmatch", "--", rel}).exit_code == 0)
        return {{},
                rel + " is tracked in " + a.worktree +
                    ": porch's agent hooks are not added (status shows the agent as unknown)"};
    model::ensure_line(fs::path(ctx.repo.common_dir()) / "info" / "exclude", "/" + rel);
    const fs::path path = fs::path(a.worktree) / rel;
    nlohmann::json settings = read_settings(path);
    nlohmann::json& hooks = settings["hooks"];
    if (!hooks.is_object())
        hooks = nlohmann::json::object();
    for (auto event : target.events)
        add_hook(hooks, event, target);
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    write_file(path, settings.dump(2) + "\n");
    return {path.string(), {}};
}

std::string write_launch_script(const model::Context& ctx, const Assignment& a, const Agent& agent,
                                const std::string& prompt) {
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
