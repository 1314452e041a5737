#include "ops/prompts/kickoff.hpp"

#include "model/message.hpp"
#include "util/text.hpp"

namespace porch::prompts {

namespace {

std::string bullets(const std::vector<std::string>& items, std::string_view prefix = {}) {
    std::string out;
    for (const auto& item : items)
        out += "- " + std::string(prefix) + item + "\n";
    return out;
}

std::string branch_line(const Assignment& a) {
    std::string out = "Branch: " + a.branch;
    if (!a.base_ref.empty())
        out += " (started from " + a.base_ref + ")";
    return out + "\n\n";
}

// A worker on another machine gets its branch from the remote, as a tracking branch.
std::string remote_branch_section(const Assignment& a) {
    const std::string tracked = a.remote + "/" + a.branch;
    return "## Your Branch\n\nYou work on another machine than the orchestrator. Get your "
           "branch there from " +
           a.remote + ":\n\n```bash\ngit fetch " + a.remote + "\ngit switch --track " + tracked +
           "\n```\n\nWith git porch installed there, `git porch checkout " + a.worker +
           "` does it in a worktree of its own, whose hooks check your scope.\n\n" + branch_line(a);
}

// `git commit` with the message on the command line: no editor opens. Single quotes keep $ and
// backticks in the text literal.
std::string commit_command(std::string_view message, bool allow_empty) {
    return std::string("git commit ") + (allow_empty ? "--allow-empty " : "") + "-m " +
           util::shell_quote(message);
}

// Whom a [NEEDS:] example names: a worker this one depends on, else any other, so that an
// example copied as it stands still asks a real teammate (never this worker itself).
std::string needs_target(const Assignment& a) {
    if (!a.needs.empty())
        return a.needs.front().worker;
    if (!a.team.empty())
        return a.team.front().worker;
    return "task-<id>";
}

std::string join_words(const std::vector<std::string>& items) {
    return util::join(items, ", ");
}

// The NEEDS example: the seeds' one, asking `target` instead, for the first thing it produces
// when the plan says.
std::string needs_example(const Assignment& a, const std::string& target, std::string seed) {
    for (const auto& t : a.team)
        if (t.worker == target && !t.produces.empty())
            return "[NEEDS:" + target + "/" + t.produces.front() + "] Need " + t.produces.front() +
                   " from " + target;
    if (target == "task-<id>")
        return seed;
    return "[NEEDS:" + target + seed.substr(seed.find('/'));
}

} // namespace

std::string worktree_section(const Assignment& a) {
    if (a.elsewhere)
        return remote_branch_section(a);
    return "## Your Worktree\n\n```bash\ncd " + a.worktree + "\n```\n\n" + branch_line(a);
}

std::string sharing_section(const Assignment& a) {
    if (a.remote.empty())
        return {};
    return "## Sharing Your Work\n\nThe orchestrator sees your work only once it is pushed to " +
           a.remote +
           ":\n"
           "- Push after every protocol commit ([CHECKPOINT], [BLOCKED:...], [NEEDS:...], "
           "[COMPLETE]): `git push " +
           a.remote + " " + a.branch +
           "`\n"
           "- Before you resume work, bring in what was pushed meanwhile: `git pull --ff-only`\n\n";
}

std::string scope_section(const Assignment& a) {
    std::string out = "## Assigned Scope\n\n";
    if (a.scope.empty())
        return out + "No paths were assigned: stay within your tasks and do not change files "
                     "that other workers own.\n\n";
    out += "You may ONLY modify files in:\n" + bullets(a.scope) + "\n";
    if (!a.scope_enforced)
        return out + "Do NOT modify any other files.\n\n";
    return out + "Do NOT modify any other files: the commit-msg hook refuses commits that "
                 "touch other paths.\n\n";
}

std::string stage_command(const Assignment& a) {
    if (a.scope.empty())
        return "git add -A";
    std::string out = "git add -A --";
    for (const auto& s : a.scope)
        out += " " + util::shell_word(s);
    return out;
}

std::string work_commit_command(const Assignment& a, std::string_view message, bool allow_empty) {
    return stage_command(a) + " && " + commit_command(message, allow_empty);
}

// [COMPLETE] may follow a checkpoint that committed everything: --allow-empty keeps it from
// failing with "nothing to commit".
std::string complete_command(const Assignment& a) {
    return work_commit_command(a, "[COMPLETE] <summary>", true);
}

std::string report_command(std::string_view message) {
    return commit_command(message, true);
}

std::string protocol_section(const Assignment& a) {
    const std::string target = needs_target(a);
    std::string out = "## Commit Protocol\n\n";
    out += "Run these commands in your worktree; none of them opens an editor.\n\n";
    out += "- ALWAYS verify the branch before committing: `git branch --show-current` must "
           "print " +
           a.branch + "\n";
    out += "- Start every commit subject with one of these tags:\n";
    out += "  - `[CHECKPOINT]` - a subtask is complete, work continues:\n    `" +
           work_commit_command(a, "[CHECKPOINT] <what is done>", false) + "`\n";
    out += "  - `[BLOCKED:<reason>]` - cannot proceed (a commit without changes, hence "
           "--allow-empty):\n    `" +
           report_command("[BLOCKED:<reason>] <what is missing>") + "`\n";
    out += "  - `[NEEDS:task-<id>/<item>]` - need output from another worker (see Other Workers "
           "for who makes what):\n    `" +
           report_command("[NEEDS:" + target + "/<item>] <what you need>") + "`\n";
    out += "  - `[COMPLETE]` - all tasks finished" +
           std::string(a.verify.empty() ? "" : ", and the Verify commands pass") + ":\n    `" +
           complete_command(a) + "`\n";
    if (!a.scope.empty())
        out += "- `" + stage_command(a) +
               "` stages every new, changed and deleted file in your scope, and nothing else.\n";
    if (a.scope.size() > 1)
        out += "  Git refuses a path that matches no file yet: leave such a path out.\n";
    out += "- Nothing inside single quotes is expanded; write an apostrophe there as '\\''.\n";
    out += "- Examples:\n";
    for (auto line : util::split_lines(protocol::protocol_examples())) {
        std::string example(line);
        // The example names a real teammate: an agent that copies it asks the right worker.
        if (example.starts_with("[NEEDS:"))
            example = needs_example(a, target, example);
        out += "  - `" + example + "`\n";
    }
    return out + "\n";
}

std::string dependencies_section(const Assignment& a) {
    std::string out = "## Dependencies\n\n";
    if (a.needs.empty())
        out += "- None\n";
    for (const auto& d : a.needs) {
        out += "- You need output from " + d.worker;
        if (!d.desc.empty())
            out += " (" + d.desc + ")";
        if (!d.produces.empty())
            out += ", which produces " + join_words(d.produces);
        if (d.state == model::WorkerState::complete && d.merged) {
            out += ". It is complete and merged into your branch already.\n";
            continue;
        }
        if (d.state == model::WorkerState::complete && !d.pick.empty()) {
            out += ". It is complete: merge its work before you start, with `" + d.pick +
                   "` (--no-ff keeps its commits apart from yours).\n";
            continue;
        }
        out += d.state ? ". It is not complete yet." : ". It is not started yet.";
        out += " If what you need is not available, run `" +
               report_command("[NEEDS:" + d.worker + "/<item>] <what you need>") +
               "` and continue with your other tasks.";
        if (!d.pick.empty())
            out += " Once it is there, pick it up with `" + d.pick +
                   "` (--no-ff keeps its commits apart from yours).";
        out += "\n";
    }
    out += "- If you cannot proceed at all, run `" +
           report_command("[BLOCKED:<reason>] <what is missing>") + "` and stop.\n";
    return out + "\n";
}

std::string team_section(const Assignment& a) {
    if (a.team.empty())
        return {};
    std::string out = "## Other Workers\n\nEach owns its scope. Ask the one that produces what you "
                      "need: `[NEEDS:task-<id>/<item>]` names that worker.\n\n";
    for (const auto& t : a.team) {
        out += "- " + t.worker + " (" + t.desc + "): ";
        if (!t.state)
            out += "planned, not spawned yet\n";
        else
            out += to_string(*t.state) + ", branch " + t.branch + "\n";
        if (!t.summary.empty())
            out += "  - Task: " + t.summary + "\n";
        out +=
            "  - Scope: " + (t.scope.empty() ? std::string("none assigned") : join_words(t.scope)) +
            "\n";
        if (!t.produces.empty())
            out += "  - Produces: " + join_words(t.produces) + "\n";
    }
    return out + "\n";
}

std::string relaunch_section(const Assignment& a) {
    std::string out;
    if (a.rejection)
        out += "## Fix First (QA rejection)\n\n" +
               (a.rejection->empty() ? std::string("QA gave no reason: ask the lead.")
                                     : *a.rejection) +
               "\n\n";
    if (a.attempt > 0)
        out += "## Attempt " + std::to_string(a.attempt) + " of " +
               std::to_string(a.attempts_allowed) +
               "\n\nThis task was retried (git porch retry): an earlier session did not finish "
               "it. What it committed is on your branch: look at `git log --oneline -10` and "
               "`git status` before you go on.\n\n";
    return out;
}

std::string checklist(const Assignment& a) {
    std::string out;
    for (const auto& item : a.items) {
        bool first = true;
        for (auto line : util::split_lines(item.text)) {
            if (first)
                out += "- [ ] " + std::string(line) +
                       (item.source.empty() ? "" : " (" + item.source + ")") + "\n";
            else
                out += "  " + std::string(line) + "\n";
            first = false;
        }
    }
    return out.empty() ? out : out + "\n";
}

std::string verify_commands(const Assignment& a) {
    if (a.verify.empty())
        return {};
    std::string out = "Before committing `[COMPLETE]`, run these in your worktree; each must exit "
                      "with status 0:\n";
    for (const auto& v : a.verify)
        out += "- `" + v + "`\n";
    out += "If one fails, fix your work and run it again. If you cannot make it pass, run `" +
           report_command("[BLOCKED:verify] <command> fails: <why>") + "` and stop.\n";
    return out;
}

std::string checkpoint_line(const Assignment& a, const std::string& checkpoint) {
    return "- `" + work_commit_command(a, "[CHECKPOINT] " + checkpoint, false) + "`\n";
}

std::string complete_line(const Assignment& a) {
    return "- Final, when all tasks are done" +
           std::string(a.verify.empty() ? "" : " and Verify passes") + ": `" + complete_command(a) +
           "`\n";
}

std::string kickoff_prompt(const Assignment& a) {
    std::string out = "# Worker Kickoff: " + a.worker + "-" + a.desc + "\n\n";
    out += "## Assignment\n\nYou are Worker " + a.id + " (" + a.worker +
           ") in a parallel workflow. Work ONLY within your assigned scope.\n\n";
    out += relaunch_section(a);
    out += worktree_section(a);
    out += scope_section(a);

    out += "## Tasks\n\n";
    if (!a.description.empty())
        out += a.description + "\n\n";
    else if (a.items.empty())
        out += a.desc + " (no plan entry describes this task: ask the lead for details)\n\n";
    out += checklist(a);
    if (!a.produces.empty())
        out += "Other workers may ask you for: " + join_words(a.produces) + ".\n\n";

    out += "## Checkpoint Expectations\n\n";
    if (a.checkpoints.empty()) {
        out += a.items.empty() ? "Commit after completing each subtask:\n"
                               : "Commit after completing each item of the checklist:\n";
        out += checkpoint_line(a, "<what is done>");
    } else {
        out += "Commit after completing:\n";
        for (const auto& c : a.checkpoints)
            out += checkpoint_line(a, c);
    }
    out += complete_line(a) + "\n";

    if (!a.verify.empty())
        out += "## Verify\n\n" + verify_commands(a) + "\n";

    out += protocol_section(a);
    out += sharing_section(a);
    out += dependencies_section(a);
    out += team_section(a);

    out += "## Start\n\n";
    int step = 1;
    auto next = [&] { return std::to_string(step++) + ". "; };
    if (a.elsewhere)
        out += next() + "Get your branch (see Your Branch) and verify it: `git branch "
                        "--show-current`\n";
    else
        out += next() + "Verify you are on the correct branch: `git branch --show-current`\n";
    for (const auto& d : a.needs)
        if (d.state == model::WorkerState::complete && !d.merged && !d.pick.empty())
            out += next() + "Merge " + d.worker + "'s finished work: `" + d.pick + "`\n";
    out += next() + "Begin with the first task\n";
    if (a.remote.empty())
        out += next() + "Commit checkpoints as specified\n";
    else
        out += next() + "Commit checkpoints as specified, and push after each: `git push " +
               a.remote + " " + a.branch + "`\n";
    return out;
}

} // namespace porch::prompts
