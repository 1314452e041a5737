#include "ops/pool/pool.hpp"

#include "git/cli.hpp"
#include "git/locks.hpp"
#include "model/events.hpp"
#include "model/hook_files.hpp"
#include "model/naming.hpp"
#include "model/new_worker.hpp"
#include "model/setup.hpp"
#include "model/slots.hpp"
#include "model/store.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/random.hpp"
#include "util/regex.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

namespace porch::pool {

namespace fs = std::filesystem;

namespace {

constexpr int claim_rounds = 60;
constexpr auto stale_lock_age = std::chrono::seconds(30);

// Saves everything uncommitted in `dir` (tracked changes and untracked files) on a commit whose
// parent is HEAD, under refs/porch/rescued/, without touching the worktree or its index.
std::string rescue(git::Repo& repo, const std::string& dir, const std::string& who,
                   const std::string& slot) {
    auto git_dir = git::run_in(dir, {"rev-parse", "--path-format=absolute", "--git-dir"});
    if (!git_dir.ok())
        throw Error(ErrorKind::fatal,
                    "cannot rescue work in " + dir + ": " + git_dir.last_error_line());
    std::string index = util::trim(git_dir.out) + "/porch-rescue.index";
    std::vector<std::string> env{"GIT_INDEX_FILE=" + index};
    auto step = [&](const std::vector<std::string>& args) {
        auto r = git::run_in(dir, args, env);
        if (!r.ok()) {
            fs::remove(index);
            throw Error(ErrorKind::fatal,
                        "cannot rescue work in " + dir + ": " + r.last_error_line(),
                        "nothing was changed; save the files by hand, then release again");
        }
        return util::trim(r.out);
    };
    step({"read-tree", "HEAD"});
    step({"add", "-A", "--", "."});
    std::string tree = step({"write-tree"});
    std::string commit = step({"commit-tree", tree, "-p", "HEAD", "-m",
                               "porch: work rescued from " + slot + " (" + who + ")"});
    fs::remove(index);
    auto id = git::Oid::from_hex(commit);
    if (!id)
        throw Error(ErrorKind::fatal, "cannot rescue work in " + dir + ": bad commit id");
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    std::string ref = std::string(rescue_prefix) + who + "/" + std::to_string(now) + "-" + slot;
    if (repo.update_ref_cas(git::RefName(ref), *id, std::nullopt, "porch: rescue " + slot) !=
        git::CasResult::updated)
        throw Error(ErrorKind::fatal, "cannot save rescued work: " + ref + " exists");
    return ref;
}

git::Oid base_commit(const model::Context& ctx) {
    auto base = ctx.repo.resolve_commit(git::branch_ref(ctx.base_branch()));
    if (!base)
        throw Error(ErrorKind::fatal, "the base branch '" + ctx.base_branch() + "' has no commit");
    return *base;
}

bool has_slot(const std::vector<Slot>& slots, const std::string& name) {
    return std::any_of(slots.begin(), slots.end(), [&](const Slot& s) { return s.name == name; });
}

// Drops the slot's claim, whoever holds it; true when there is none any more.
bool drop_claim(git::Repo& repo, const std::string& slot) {
    auto target = repo.ref_target(claim_ref(slot));
    return !target || repo.delete_ref_if(claim_ref(slot), *target);
}

// A slot's worktree, made by git detached at `base` and locked, so `git worktree prune` never
// drops it while its folder is unmounted.
process::Result add_slot_worktree(const model::Context& ctx, const std::string& path,
                                  const std::string& base) {
    return git::run_in(*ctx.root, {"worktree", "add", "--quiet", "--detach", "--lock", "--reason",
                                   std::string(lock_reason), path, base});
}

// The worker's branch, when it has one.
std::optional<model::WorkerBranch> worker_branch(const model::Context& ctx,
                                                 const std::string& worker) {
    std::optional<model::WorkerBranch> out;
    for (auto& b : model::worker_branches(ctx, worker))
        out = b;
    return out;
}

// What the rounds of claiming found.
struct Claim {
    std::optional<Slot> slot;               // the slot claimed, its checkout clean
    std::vector<std::string> skipped_dirty; // idle slots given back: they have files in them
    bool contended = false;                 // another process held a lock on a claim
};

// One pass over the idle slots, claiming the first whose checkout is clean.
void claim_pass(model::Context& ctx, const std::vector<Slot>& slots, const git::Oid& claim_blob,
                const std::string& worker, Claim& c) {
    c.contended = false;
    for (const auto& s : slots) {
        if (s.state != SlotState::idle)
            continue;
        auto r = ctx.repo.update_ref_cas(claim_ref(s.name), claim_blob, std::nullopt,
                                         "porch: acquire for " + worker);
        if (r == git::CasResult::locked)
            c.contended = true;
        if (r != git::CasResult::updated)
            continue;
        // The claim makes the slot ours alone; only now is it safe to look inside.
        if (!git::require_dirty_paths(s.path).empty()) {
            ctx.repo.delete_ref_if(claim_ref(s.name), claim_blob);
            c.skipped_dirty.push_back(s.name);
            continue;
        }
        c.slot = s;
        return;
    }
}

// Claims an idle, clean slot, passing again after a jittered pause while other processes hold
// locks on the claims.
Claim claim_slot(model::Context& ctx, const std::vector<Slot>& slots, const git::Oid& claim_blob,
                 const std::string& worker) {
    Claim c;
    for (int round = 0; round < claim_rounds; ++round) {
        claim_pass(ctx, slots, claim_blob, worker, c);
        if (c.slot || !c.contended)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(util::random_int(1, 5 + round)));
    }
    return c;
}

// Why no slot could be claimed, and what to do.
Error no_slot(const Claim& c, std::size_t slot_count) {
    if (c.contended)
        return Error(ErrorKind::fatal,
                     "cannot acquire: idle slots stayed locked by another process",
                     "if no other porch or git command is running, a killed one left a lock: "
                     "git porch pool health --fix");
    std::string hint = "release one with: git porch pool release <wt-id|task-id>, or grow the "
                       "pool with: git porch pool init " +
                       std::to_string(slot_count + 4);
    if (!c.skipped_dirty.empty())
        hint += "\nskipped idle slots with uncommitted files (see git porch pool health):";
    for (const auto& s : c.skipped_dirty)
        hint += " " + s;
    return Error(ErrorKind::fatal,
                 "cannot acquire: the pool is exhausted, all " + std::to_string(slot_count) +
                     " slots are busy",
                 hint);
}

// Makes the worker's branch, checks it out in the claimed slot and records the spawn; when a
// step fails, undoes all of it, the claim too, and throws.
void start_in_slot(model::Context& ctx, const model::PreparedWorker& p, const Slot& slot,
                   const git::Oid& claim_blob) {
    auto unclaim = [&] { ctx.repo.delete_ref_if(claim_ref(slot.name), claim_blob); };
    if (!ctx.repo.create_branch(git::BranchName(p.branch), p.base)) {
        unclaim();
        throw Error(ErrorKind::fatal, "cannot acquire: branch '" + p.branch + "' already exists");
    }
    // Switching an existing checkout rewrites only the files that differ: the point of a pool.
    auto sw = git::run_in(slot.path, {"switch", "--quiet", "--no-guess", p.branch});
    if (!sw.ok()) {
        ctx.repo.delete_ref_if(git::branch_ref(p.branch), p.base);
        unclaim();
        throw Error(ErrorKind::fatal, "cannot check out " + p.branch + " in " + slot.name + ": " +
                                          sw.last_error_line());
    }
    std::string rel = fs::path(slot.path).lexically_relative(*ctx.root).generic_string();
    try {
        model::record_spawn(ctx, p, rel, slot.name);
    } catch (...) {
        // Without its event the worker would hold a slot no one knows about: undo it all.
        git::run_in(slot.path, {"switch", "--quiet", "--detach", p.base.hex()});
        ctx.repo.delete_ref_if(git::branch_ref(p.branch), p.base);
        unclaim();
        throw;
    }
}

const Slot& find_slot(const std::vector<Slot>& slots, const std::string& slot_or_worker) {
    std::string wanted = slot_or_worker;
    if (auto id = protocol::normalize_id(slot_or_worker); id && !is_slot_name(wanted))
        wanted = protocol::worker_name(*id);
    for (const auto& s : slots)
        if (s.name == wanted || (s.worker && *s.worker == wanted))
            return s;
    throw Error(ErrorKind::fatal, "no pool slot " + protocol::quote(slot_or_worker),
                "see the slots with: git porch pool status");
}

} // namespace

std::vector<std::string> init(model::Context& ctx, int size) {
    if (!ctx.root)
        throw Error(ErrorKind::fatal, "a bare repository has no worktrees for a pool");
    if (size < 1 || size > 256)
        throw Error(ErrorKind::invalid, "the pool size must be between 1 and 256");
    if (ctx.repo.has_no_commits())
        throw Error(ErrorKind::fatal, "cannot make a pool: the repository has no commits yet",
                    "make a first commit, e.g. git commit --allow-empty -m 'Initial commit'");
    std::vector<std::string> done;
    model::ensure_excluded(ctx);
    auto slots = list(ctx);
    const std::string base = base_commit(ctx).hex();
    const fs::path dir = pool_dir(ctx);
    std::error_code ec;
    fs::create_directories(dir, ec);
    for (int n = 1; n <= size; ++n) {
        std::string name = "wt-" + std::to_string(n);
        if (std::any_of(slots.begin(), slots.end(), [&](const Slot& s) { return s.number == n; }))
            continue;
        fs::path path = dir / name;
        if (fs::exists(fs::symlink_status(path, ec))) {
            done.push_back("skipped " + name + ": " + path.string() +
                           " exists and is not a slot (move it away, then run pool init again)");
            continue;
        }
        auto r = add_slot_worktree(ctx, path.string(), base);
        if (!r.ok())
            throw Error(ErrorKind::fatal,
                        "cannot create slot " + name + ": " + r.last_error_line());
        // As spawn does: a generated hooks folder (husky's) the slot would otherwise lack.
        hooks::provide_hooks_folder(*ctx.root, path.string());
        done.push_back("created " + name);
    }
    return done;
}

Acquired acquire(model::Context& ctx, const model::SpawnRequest& request) {
    model::PreparedWorker p = model::prepare_worker(ctx, request, "cannot acquire");
    auto slots = list(ctx);
    if (slots.empty())
        throw Error(ErrorKind::fatal, "cannot acquire: there is no pool here",
                    "make one with: git porch pool init");
    const git::Oid claim_blob = ctx.repo.write_blob(store::anchor_content(p.worker));
    Claim claim = claim_slot(ctx, slots, claim_blob, p.worker);
    if (!claim.slot)
        throw no_slot(claim, slots.size());
    Slot slot = *claim.slot;
    start_in_slot(ctx, p, slot, claim_blob);
    slot.state = SlotState::busy;
    slot.worker = p.worker;
    slot.branch = p.branch;
    return {slot, {p.worker, p.branch, slot.path, p.base_name, p.base.hex()}};
}

Released release(model::Context& ctx, const std::string& slot_or_worker, bool force) {
    auto slots = list(ctx);
    Slot slot = find_slot(slots, slot_or_worker);
    if (!slot.worker)
        throw Error(ErrorKind::fatal, "slot " + slot.name + " is not in use",
                    "see the slots with: git porch pool status");
    if (slot.problem == "its folder is missing")
        throw Error(ErrorKind::fatal, "slot " + slot.name + ": its folder is missing",
                    "repair it with: git porch pool health --fix");
    Released out{slot, *slot.worker, std::nullopt};
    auto dirty = git::require_dirty_paths(slot.path);
    if (!dirty.empty() && !force) {
        std::string list_text;
        for (std::size_t i = 0; i < dirty.size() && i < 20; ++i)
            list_text += "\n  " + util::sanitize_for_terminal(dirty[i]);
        if (dirty.size() > 20)
            list_text += "\n  ... and " + std::to_string(dirty.size() - 20) + " more";
        throw Error(ErrorKind::fatal,
                    "slot " + slot.name + " (" + *slot.worker + ") has " +
                        std::to_string(dirty.size()) + " uncommitted or untracked path(s)",
                    "the paths:" + list_text + "\ncommit them in " + slot.path +
                        ", or release with --force to save them under " +
                        std::string(rescue_prefix) + *slot.worker + "/");
    }
    if (!dirty.empty())
        out.rescued_ref = rescue(ctx.repo, slot.path, *slot.worker, slot.name);
    const git::Oid base = base_commit(ctx);
    auto sw =
        git::run_in(slot.path, {"switch", "--quiet", "--detach", "--discard-changes", base.hex()});
    if (!sw.ok())
        throw Error(ErrorKind::fatal, "cannot reset " + slot.name + ": " + sw.last_error_line(),
                    out.rescued_ref ? "your work is saved at " + *out.rescued_ref : "");
    if (!dirty.empty()) {
        auto clean = git::run_in(slot.path, {"clean", "-fdq"});
        if (!clean.ok())
            throw Error(ErrorKind::fatal,
                        "cannot clean " + slot.name + ": " + clean.last_error_line());
    }
    drop_claim(ctx.repo, slot.name);
    model::ReleasedEvent released{slot.name, out.rescued_ref.value_or("")};
    store::append(ctx.repo, released.encode(*slot.worker));
    out.slot.state = SlotState::idle;
    out.slot.branch.clear();
    return out;
}

namespace {

// An acquire killed before its spawned event: the claim, maybe the branch and its checkout, but
// no record of the worker's scope and needs. Only a claim older than a lock may live counts: a
// running acquire records within milliseconds.
bool unfinished_acquire(const model::Context& ctx, const Slot& s) {
    auto age = ctx.repo.loose_ref_age(claim_ref(s.name));
    if (age && *age < stale_lock_age)
        return false;
    auto events = store::read(ctx.repo, *s.worker);
    return std::none_of(events.begin(), events.end(), [](const store::Event& e) {
        return model::type_of(e) == model::EventType::spawned;
    });
}

// Undoes an unfinished acquire when nothing was done in it (no commit of its own, a clean
// checkout), so acquiring again works; otherwise says how to record it.
Finding drop_acquire(model::Context& ctx, const Slot& s, const std::string& base, bool fix) {
    Finding f{s.name, *s.worker + "'s acquire did not finish (killed?): it has no spawned event",
              "", false};
    auto wb = worker_branch(ctx, *s.worker);
    auto base_oid = git::Oid::from_hex(base);
    bool own_work = wb && base_oid && !ctx.repo.is_ancestor(wb->tip, *base_oid);
    if (own_work || !git::require_dirty_paths(s.path).empty()) {
        f.action = "it has work: record it with git porch reindex (its scope and needs were not "
                   "recorded)";
        return f;
    }
    std::string again = wb ? "git porch pool acquire " + wb->id + " " + wb->desc : "";
    if (!fix) {
        f.action = "git porch pool health --fix undoes it (nothing was done in it)" +
                   (again.empty() ? "" : "; then: " + again);
        return f;
    }
    auto r = git::run_in(s.path, {"switch", "--quiet", "--detach", base});
    bool done = r.ok() && (!wb || ctx.repo.delete_ref_if(git::branch_ref(wb->branch), wb->tip)) &&
                drop_claim(ctx.repo, s.name);
    f.fixed = done;
    f.action =
        done ? "undid it, the slot is idle" + (again.empty() ? "" : "; acquire again: " + again)
             : "could not undo it: " + (r.ok() ? "it changed meanwhile" : r.last_error_line());
    return f;
}

// Locks left behind by killed processes: a live writer holds one for milliseconds.
void check_stale_locks(const model::Context& ctx, bool fix, std::vector<Finding>& out) {
    for (const auto& lock : git::stale_locks(ctx.repo, stale_lock_age)) {
        Finding f{"", "stale lock " + lock.path.string() + " left by a killed process", "", false};
        std::error_code rm_ec;
        if (fix && fs::remove(lock.path, rm_ec)) {
            f.action = "removed it";
            f.fixed = true;
        } else {
            f.action = "remove it once no git process is running: rm '" + lock.path.string() + "'";
        }
        out.push_back(std::move(f));
    }
}

// Claims whose slot git no longer knows.
void check_orphan_claims(model::Context& ctx, const std::vector<Slot>& slots, bool fix,
                         std::vector<Finding>& out) {
    for (const auto& ref : ctx.repo.refs(claim_prefix)) {
        std::string name = ref.name.str().substr(claim_prefix.size());
        if (has_slot(slots, name))
            continue;
        Finding f{name, "claimed, but git knows no slot " + name, "", false};
        if (fix && ctx.repo.delete_ref_if(ref.name, ref.target)) {
            f.action = "dropped the claim (the worker's branch is untouched)";
            f.fixed = true;
        } else {
            f.action = "run git porch pool health --fix";
        }
        out.push_back(std::move(f));
    }
}

// Folders that look like slots but git does not know.
void check_unknown_folders(const fs::path& dir, const std::vector<Slot>& slots,
                           std::vector<Finding>& out) {
    std::error_code ec;
    if (!fs::exists(dir, ec))
        return;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::string name = entry.path().filename().string();
        if (!is_slot_name(name) || has_slot(slots, name))
            continue;
        out.push_back({name, "folder " + entry.path().string() + " is not a worktree git knows",
                       "porch did not make it this way: inspect it, move it away, then run "
                       "git porch pool init",
                       false});
    }
}

// A slot whose folder is gone: made again, detached at the base, with --fix.
Finding remake_missing(model::Context& ctx, const Slot& s, const std::string& base, bool fix) {
    Finding f{s.name, "the folder " + s.path + " is missing", "", false};
    if (!fix) {
        f.action = "run git porch pool health --fix to make the slot again";
        return f;
    }
    // Only this slot's administrative entry goes: a bare `git worktree prune` would also drop
    // other worktrees that are merely unmounted.
    auto admin = fs::path(ctx.repo.common_dir()) / "worktrees" / s.admin_name;
    std::error_code rm_ec;
    if (s.worker)
        drop_claim(ctx.repo, s.name);
    if (s.admin_name.empty() || !fs::exists(admin / "gitdir", rm_ec) ||
        fs::remove_all(admin, rm_ec) == 0) {
        f.action = "could not remove " + admin.string();
        return f;
    }
    auto r = add_slot_worktree(ctx, s.path, base);
    f.fixed = r.ok();
    f.action = r.ok() ? "made the slot again (idle)" +
                            (s.worker ? "; " + *s.worker + "'s branch is untouched" : "")
                      : "could not re-create it: " + r.last_error_line();
    return f;
}

// A claimed slot without the worker's branch checked out: killed mid-acquire (claimed, not
// switched) or switched away by hand. --fix finishes the acquire, or drops the claim of a
// worker that has no branch.
Finding finish_acquire(model::Context& ctx, const Slot& s, const std::string& base, bool fix) {
    Finding f{s.name, s.problem, "", false};
    auto wb = worker_branch(ctx, *s.worker);
    const std::string branch = wb ? wb->branch : std::string();
    bool clean = git::require_dirty_paths(s.path).empty();
    if (fix && clean && !branch.empty()) {
        auto r = git::run_in(s.path, {"switch", "--quiet", "--no-guess", branch});
        f.fixed = r.ok();
        f.action = r.ok() ? "checked out " + branch + " (the acquire is complete)"
                          : "could not check out " + branch + ": " + r.last_error_line();
    } else if (fix && clean) {
        drop_claim(ctx.repo, s.name);
        auto r = git::run_in(s.path, {"switch", "--quiet", "--detach", base});
        f.fixed = r.ok();
        f.action = "dropped the claim of a worker that has no branch; the slot is idle";
    } else {
        f.action = clean ? "run git porch pool health --fix"
                         : "it has uncommitted work: commit it, or save it, then run "
                           "git porch pool health --fix";
    }
    return f;
}

// An unclaimed slot with a branch checked out: --fix detaches it at the base.
Finding detach_broken(const Slot& s, const std::string& base, bool fix) {
    Finding f{s.name, s.problem, "", false};
    bool clean = git::require_dirty_paths(s.path).empty();
    if (fix && clean) {
        auto r = git::run_in(s.path, {"switch", "--quiet", "--detach", base});
        f.fixed = r.ok();
        f.action = "detached it at the base (the branch is untouched); the slot is idle";
    } else {
        f.action = clean ? "run git porch pool health --fix"
                         : "it has uncommitted work on '" + s.branch +
                               "': commit it there, then run git porch pool health --fix";
    }
    return f;
}

// An idle slot with files in it: --fix saves them under refs/porch/rescued/pool/ and cleans it.
std::optional<Finding> rescue_idle(model::Context& ctx, const Slot& s, const std::string& base,
                                   bool fix) {
    auto dirty = git::require_dirty_paths(s.path);
    if (dirty.empty())
        return std::nullopt;
    Finding f{s.name, "idle but has " + std::to_string(dirty.size()) + " uncommitted path(s)", "",
              false};
    if (fix) {
        std::string ref = rescue(ctx.repo, s.path, "pool", s.name);
        auto r = git::run_in(s.path, {"switch", "--quiet", "--detach", "--discard-changes", base});
        auto c = git::run_in(s.path, {"clean", "-fdq"});
        f.fixed = r.ok() && c.ok();
        f.action = "saved the files at " + ref + " and cleaned the slot";
    } else {
        f.action = "run git porch pool health --fix to save them under " +
                   std::string(rescue_prefix) + "pool/ and clean the slot";
    }
    return f;
}

// What is wrong with one slot, if anything (and, with --fix, what was done about it).
std::optional<Finding> check_slot(model::Context& ctx, const Slot& s, const std::string& base,
                                  bool fix) {
    if (s.state == SlotState::broken && s.problem == "its folder is missing")
        return remake_missing(ctx, s, base, fix);
    if (s.worker && (s.state == SlotState::busy || s.state == SlotState::broken) &&
        unfinished_acquire(ctx, s))
        return drop_acquire(ctx, s, base, fix);
    if (s.state == SlotState::broken && s.worker)
        return finish_acquire(ctx, s, base, fix);
    if (s.state == SlotState::broken)
        return detach_broken(s, base, fix);
    if (s.state == SlotState::idle)
        return rescue_idle(ctx, s, base, fix);
    return std::nullopt;
}

} // namespace

std::vector<Finding> health(model::Context& ctx, bool fix) {
    std::vector<Finding> findings;
    const auto slots = list(ctx);
    check_stale_locks(ctx, fix, findings);
    check_orphan_claims(ctx, slots, fix, findings);
    check_unknown_folders(pool_dir(ctx), slots, findings);
    const std::string base = base_commit(ctx).hex();
    for (const auto& s : slots)
        if (auto f = check_slot(ctx, s, base, fix))
            findings.push_back(std::move(*f));
    return findings;
}

std::vector<std::string> cleanup(model::Context& ctx) {
    std::vector<std::string> done;
    for (const auto& s : list(ctx)) {
        if (s.state != SlotState::idle) {
            done.push_back("kept " + s.name + ": " +
                           (s.worker ? "in use by " + *s.worker : s.problem));
            continue;
        }
        if (!git::require_dirty_paths(s.path).empty()) {
            done.push_back("kept " + s.name +
                           ": it has uncommitted files (see git porch pool health)");
            continue;
        }
        git::run_in(*ctx.root, {"worktree", "unlock", s.path});
        auto r = git::run_in(*ctx.root, {"worktree", "remove", s.path});
        if (!r.ok()) {
            git::run_in(*ctx.root,
                        {"worktree", "lock", "--reason", std::string(lock_reason), s.path});
            done.push_back("kept " + s.name + ": " + r.last_error_line());
            continue;
        }
        done.push_back("removed " + s.name);
    }
    return done;
}

MergeResult merge(model::Context& ctx, const std::string& target_in) {
    const std::string target = target_in.empty() ? ctx.base_branch() : target_in;
    auto tip = ctx.repo.resolve_commit(git::branch_ref(target));
    if (!tip)
        throw Error(ErrorKind::fatal, "no branch " + protocol::quote(target) + " to merge into");
    MergeResult out;
    std::vector<Slot> busy;
    for (const auto& s : list(ctx))
        if (s.state == SlotState::busy)
            busy.push_back(s);
    if (busy.empty())
        return out;
    // The merges happen in a worktree of porch's own, so no one's checkout is switched.
    fs::path wt = pool_dir(ctx) / (".porch-merge-" + util::random_hex(4));
    out.worktree = wt.string();
    auto add =
        git::run_in(*ctx.root, {"worktree", "add", "--quiet", "--detach", wt.string(), tip->hex()});
    if (!add.ok())
        throw Error(ErrorKind::fatal, "cannot make a merge worktree: " + add.last_error_line());
    for (const auto& s : busy) {
        auto parts = ctx.branch_template.match(s.branch);
        std::string msg = "Merge " + *s.worker + ": " + (parts ? parts->desc : s.branch);
        auto r = git::run_in(wt.string(), {"merge", "--no-ff", "--no-edit", "-m", msg, s.branch});
        if (!r.ok()) {
            out.conflict = *s.worker;
            auto files = git::run_in(wt.string(), {"diff", "--name-only", "--diff-filter=U"});
            for (auto line : util::split_lines(files.out))
                if (!line.empty())
                    out.conflict_files.emplace_back(line);
            return out; // left for a person, with the merges so far
        }
        out.merged.push_back(*s.worker);
    }
    auto merged_head = git::run_in(wt.string(), {"rev-parse", "HEAD"});
    auto id = git::Oid::from_hex(util::trim(merged_head.out));
    // Publish only if the target did not move meanwhile; a checkout of it must be clean and is
    // fast-forwarded by git itself.
    std::optional<std::string> checked_out_in;
    for (const auto& w : ctx.repo.worktrees())
        if (w.head == git::branch_ref(target))
            checked_out_in = w.path;
    bool published = false;
    if (id && checked_out_in) {
        auto ff = git::run_in(*checked_out_in, {"merge", "--quiet", "--ff-only", id->hex()});
        published = ff.ok();
    } else if (id) {
        published = ctx.repo.update_ref_cas(git::branch_ref(target), *id, tip,
                                            "porch: pool merge") == git::CasResult::updated;
    }
    if (!published)
        throw Error(
            ErrorKind::fatal,
            "merged " + std::to_string(out.merged.size()) + " branch(es) in " + wt.string() +
                " but could not update '" + target + "' (it moved, or its checkout is not clean)",
            "the result is in that worktree at HEAD; fast-forward " + target + " to it by hand");
    git::run_in(*ctx.root, {"worktree", "remove", "--force", wt.string()});
    out.worktree.clear();
    return out;
}

} // namespace porch::pool
