// RAII ownership of libgit2 objects. Internal to lib/git: nothing outside this folder includes
// <git2.h>.
#pragma once

#include <git2.h>
#include <memory>
#include <string>

namespace porch::git::detail {

template <auto Free> struct Deleter {
    template <typename T> void operator()(T* p) const noexcept { Free(p); }
};

using RepoPtr = std::unique_ptr<git_repository, Deleter<git_repository_free>>;
using RefPtr = std::unique_ptr<git_reference, Deleter<git_reference_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree_free>>;
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, Deleter<git_revwalk_free>>;
using SignaturePtr = std::unique_ptr<git_signature, Deleter<git_signature_free>>;
using ConfigPtr = std::unique_ptr<git_config, Deleter<git_config_free>>;
using NotePtr = std::unique_ptr<git_note, Deleter<git_note_free>>;
using RefIterPtr = std::unique_ptr<git_reference_iterator, Deleter<git_reference_iterator_free>>;
using OdbPtr = std::unique_ptr<git_odb, Deleter<git_odb_free>>;
using TransactionPtr = std::unique_ptr<git_transaction, Deleter<git_transaction_free>>;

struct Buf {
    git_buf value = GIT_BUF_INIT;
    ~Buf() { git_buf_dispose(&value); }
    std::string str() const {
        return value.ptr ? std::string(value.ptr, value.size) : std::string();
    }
};

// Initialises libgit2 once per process (thread-safe, idempotent).
void ensure_init();

// libgit2's last error message, or a fallback when it has none (it may be NULL on 1.5).
std::string last_error_message();

// Throws porch::Error (fatal) when rc < 0, carrying the context and libgit2's message.
void check(int rc, const std::string& context);

} // namespace porch::git::detail
