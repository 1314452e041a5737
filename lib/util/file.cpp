#include "util/file.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace porch::util {

std::optional<std::string> read_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    struct stat st {};
    const auto size = ::fstat(fd, &st) == 0 && st.st_size > 0 ? std::size_t(st.st_size) : 0;
    std::string out(size + 1, '\0'); // the byte past the end lets the last read see EOF
    std::size_t used = 0;
    for (;;) {
        if (used == out.size())
            out.resize(out.size() * 2); // the file grew since fstat
        const ssize_t n = ::read(fd, out.data() + used, out.size() - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        used += std::size_t(n);
    }
    ::close(fd);
    out.resize(used);
    return out;
}

MappedFile::MappedFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void* data = ::mmap(nullptr, std::size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (data != MAP_FAILED) {
            m_data = data;
            m_size = std::size_t(st.st_size);
        }
    }
    ::close(fd);
    if (!m_data)
        m_copy = read_file(path).value_or("");
}

MappedFile::~MappedFile() {
    if (m_data)
        ::munmap(m_data, m_size);
}

std::string_view MappedFile::text() const {
    if (m_data)
        return {static_cast<const char*>(m_data), m_size};
    return m_copy;
}

} // namespace porch::util
