// Whole files read in one go, or mapped.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace porch::util {

// The file's bytes; nullopt when it cannot be opened (missing, no permission). A file that opens
// but cannot be read (a folder) reads as empty. Sized by fstat, read by read(2): porch reads
// refs, packed-refs, .porch.toml and commit messages on every commit's hooks, where a string
// stream's growing buffer and iostream's set-up cost more than the read.
std::optional<std::string> read_file(const std::string& path);

// A file mapped read-only for as long as this lives (read into memory where it cannot be
// mapped); empty text when it cannot be opened. For large files searched rather than read whole
// (packed-refs, a line per branch): only the pages looked at are read, nothing is copied. A file
// git replaces by rename (packed-refs) stays whole while mapped.
class MappedFile {
public:
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    std::string_view text() const;

private:
    void* m_data = nullptr;
    std::size_t m_size = 0;
    std::string m_copy;
};

} // namespace porch::util
