// The kickoff prompt: everything a fresh worker session needs to start, in the shape of the
// playbook's "Worker Kickoff" template, with every command spelled out as it is to be typed.
#pragma once

#include "ops/prompts/assignment.hpp"

#include <string>
#include <string_view>

namespace porch::prompts {

// The whole prompt, newline-terminated.
std::string kickoff_prompt(const Assignment& a);

// Sections shared with the resume prompt, each a "## ..." heading and its text, ending in a
// blank line. The worktree section of a worker that runs elsewhere says how to get its branch.
std::string worktree_section(const Assignment& a);
std::string scope_section(const Assignment& a);
// The four tags, each with the whole command that commits it (staging the scope, --allow-empty
// for the reports that change no file), and examples whose [NEEDS:] names a real teammate.
std::string protocol_section(const Assignment& a);
std::string dependencies_section(const Assignment& a);
// The other workers: state, branch, task, scope and what they produce. Empty without any.
std::string team_section(const Assignment& a);
// After `qa reject` or `retry`: the rejection to fix first and the attempt number. Empty before.
std::string relaunch_section(const Assignment& a);
// For a worker whose branch goes through a remote: push after every protocol commit, pull
// --ff-only before resuming. Empty otherwise.
std::string sharing_section(const Assignment& a);
// The plan's work items as a checklist, "- [ ] <text> (<source>)" a line each (their detail
// lines indented under them), ending in a blank line; empty without items.
std::string checklist(const Assignment& a);
// The commands that must pass before [COMPLETE], how to run them and what to commit when they
// cannot pass; empty when there are none.
std::string verify_commands(const Assignment& a);

// Commands, as the prompts print them: staging the worker's scope (`git add -A -- <scope>`), a
// work commit that stages it first, [COMPLETE] (also when nothing is left to stage) and a report
// that changes no file ([BLOCKED:...], [NEEDS:...]).
std::string stage_command(const Assignment& a);
std::string work_commit_command(const Assignment& a, std::string_view message, bool allow_empty);
std::string complete_command(const Assignment& a);
std::string report_command(std::string_view message);
// List lines with the command that commits one checkpoint, and the final [COMPLETE].
std::string checkpoint_line(const Assignment& a, const std::string& checkpoint);
std::string complete_line(const Assignment& a);

} // namespace porch::prompts
