#include "util/file.hpp"

#include <cerrno>
#include <fcntl.h>
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

} // namespace porch::util
