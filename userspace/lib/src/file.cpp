#include "napilab/file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "napilab/unique_fd.hpp"

namespace napilab {

Result<std::string> read_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int saved = errno;
    return Error{"cannot open " + path + ": " + std::strerror(saved)};
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
    if (n < 0) {
      const int saved = errno;
      if (saved == EINTR) {
        continue;
      }
      return Error{"cannot read " + path + ": " + std::strerror(saved)};
    }
    if (n == 0) {
      break;
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace napilab
