/* A stand-in for a student plugin whose static constructor breaks the rules:
 * it runs inside dlopen and tries to create the file named by
 * RAFTLAB_HOSTILE_PATH. The errno it got is left in hostile_open_errno
 * (0 = the open succeeded) for sandbox_probe to read with dlsym. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((visibility("default"))) int hostile_open_errno = -1;

__attribute__((constructor)) static void hostile_ctor(void) {
  const char* path = getenv("RAFTLAB_HOSTILE_PATH");
  if (path == NULL) return;
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    hostile_open_errno = 0;
    close(fd);
  } else {
    hostile_open_errno = errno;
  }
}
