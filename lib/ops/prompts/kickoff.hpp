// The kickoff prompt: everything a fresh worker session needs to start, in the shape of the
// playbook's "Worker Kickoff" template.
#pragma once

#include "ops/prompts/assignment.hpp"

#include <string>

namespace porch::prompts {

// The whole prompt, newline-terminated.
std::string kickoff_prompt(const Assignment& a);

// Sections shared with the resume prompt, each a "## ..." heading and its text, ending in a
// blank line. The worktree section of a worker that runs elsewhere says how to get its branch.
std::string worktree_section(const Assignment& a);
std::string scope_section(const Assignment& a);
std::string protocol_section(const Assignment& a);
std::string dependencies_section(const Assignment& a);
// For a worker whose branch goes through a remote: push after every protocol commit, pull
// --ff-only before resuming. Empty otherwise.
std::string sharing_section(const Assignment& a);
// The commands that must pass before [COMPLETE], introduced by one line; empty when there are
// none.
std::string verify_commands(const Assignment& a);

} // namespace porch::prompts
