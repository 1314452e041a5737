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

} // namespace

namespace {

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

std::string protocol_section(const Assignment& a) {
    std::string out = "## Commit Protocol\n\n";
    out += "- ALWAYS verify the branch before committing: `git branch --show-current` must "
           "print " +
           a.branch + "\n";
    out += "- Start every commit subject with one of these tags:\n"
           "  - `[CHECKPOINT]` - a subtask is complete, work continues\n"
           "  - `[BLOCKED:<reason>]` - cannot proceed\n"
           "  - `[NEEDS:task-<id>/<item>]` - need output from another worker\n"
           "  - `[COMPLETE]` - all tasks finished\n";
    out += "- Examples:\n";
    for (auto line : util::split_lines(protocol::protocol_examples()))
        out += "  - `" + std::string(line) + "`\n";
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
        if (d.state == model::WorkerState::complete)
            out += ", which is complete";
        else if (d.state)
            out += ", which is not complete yet";
        else
            out += ", which is not started yet";
        out += ". If what you need is not available, commit `[NEEDS:" + d.worker +
               "/<item>] <what you need>` and continue with your other tasks.";
        if (!d.pick.empty())
            out += " Once it is there, pick it up with `" + d.pick + "`.";
        out += "\n";
    }
    out += "- If you cannot proceed at all, commit `[BLOCKED:<reason>] <what is missing>` "
           "and stop.\n";
    return out + "\n";
}

std::string verify_commands(const Assignment& a) {
    if (a.verify.empty())
        return {};
    std::string out = "Before committing `[COMPLETE]`, these commands must pass:\n";
    for (const auto& v : a.verify)
        out += "- `" + v + "`\n";
    return out;
}

std::string kickoff_prompt(const Assignment& a) {
    std::string out = "# Worker Kickoff: " + a.worker + "-" + a.desc + "\n\n";
    out += "## Assignment\n\nYou are Worker " + a.id + " (" + a.worker +
           ") in a parallel workflow. Work ONLY within your assigned scope.\n\n";
    out += worktree_section(a);
    out += scope_section(a);

    out += "## Tasks\n\n";
    if (!a.description.empty())
        out += a.description + "\n\n";
    else
        out += a.desc + " (no plan entry describes this task: ask the lead for details)\n\n";

    out += "## Checkpoint Expectations\n\n";
    if (a.checkpoints.empty()) {
        out += "Commit `[CHECKPOINT] <what is done>` after completing each subtask.\n";
    } else {
        out += "Commit after completing:\n";
        for (const auto& c : a.checkpoints)
            out += "- `[CHECKPOINT] " + c + "`\n";
    }
    out += "- Final: `[COMPLETE] <summary>` when all tasks are done\n\n";

    if (!a.verify.empty())
        out += "## Verify\n\n" + verify_commands(a) + "\n";

    out += protocol_section(a);
    out += sharing_section(a);
    out += dependencies_section(a);

    out += "## Start\n\n";
    if (a.elsewhere)
        out += "1. Get your branch (see Your Branch) and verify it: `git branch --show-current`\n";
    else
        out += "1. Verify you are on the correct branch: `git branch --show-current`\n";
    out += "2. Begin with the first task\n";
    if (a.remote.empty())
        out += "3. Commit checkpoints as specified\n";
    else
        out += "3. Commit checkpoints as specified, and push after each: `git push " + a.remote +
               " " + a.branch + "`\n";
    return out;
}

} // namespace porch::prompts
