/*
 * sockfile.c - the file of a Unix socket parkpland listens on (the control
 * socket, an HTTP unix: listener): made free for bind() only when what is
 * there is a socket nobody listens on any more (connect() refused), and
 * removed at exit only when it is still the socket parkpland bound.  A
 * regular file, a folder, a link or a socket in use is left alone, and the
 * caller is told why.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "parkpland.h"

static const char *
sockfile_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a folder";
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISFIFO(mode))
		return "a named pipe";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	return "not a socket";
}

/*
 * Make path (its address sun) free for bind(): nothing there, or a socket
 * nobody listens on (removed).  Anything else is left alone: -1 with the
 * reason.
 */
static int
sockfile_clear(const char *path, const struct sockaddr_un *sun, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen,
		         "%s exists and is %s, not a socket: parkpland does not remove it "
		         "(move it away, or choose another path)",
		         path, sockfile_kind(st.st_mode));
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	if (rc == 0 || errno == EAGAIN || errno == EINPROGRESS) {
		/* EAGAIN: a listener whose backlog is full is a listener */
		close(fd);
		snprintf(err, errlen, "%s: another process is listening on it", path);
		return -1;
	}
	if (errno != ECONNREFUSED) {
		snprintf(err, errlen, "%s: cannot tell whether it is in use: %s", path,
		         strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	/* A socket left by a process that did not stop cleanly. */
	if (unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "%s: cannot remove the stale socket: %s", path,
		         strerror(errno));
		return -1;
	}
	log_info("%s: removed a stale socket nobody listened on", path);
	return 0;
}

/* The socket just bound at path, to remove it (and only it) later. */
static int
sockfile_identify(const char *path, struct sockfile_id *id)
{
	struct stat st;

	id->valid = false;
	if (lstat(path, &st) != 0 || !S_ISSOCK(st.st_mode))
		return -1;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->valid = true;
	return 0;
}

void
sockfile_remove(const char *path, const struct sockfile_id *id)
{
	struct stat st;

	if (!id->valid || lstat(path, &st) != 0)
		return;
	/* another process may have put its own socket (or a file) there since */
	if (!S_ISSOCK(st.st_mode) || st.st_dev != id->dev || st.st_ino != id->ino)
		return;
	(void)unlink(path);
}

int
sockfile_listen(const char *path, mode_t mask, const char *group, int mode, struct sockfile_id *id,
                char *err, size_t errlen)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd;

	id->valid = false;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	/* only a socket nobody listens on is replaced; anything else stays */
	if (sockfile_clear(path, &sun, err, errlen) != 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	old = umask(mask);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		umask(old);
		snprintf(err, errlen, "%s: bind: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	(void)sockfile_identify(path, id);
	if (group != NULL && group[0] != '\0') {
		struct group *gr = getgrnam(group);

		if (gr == NULL || chown(path, (uid_t)-1, gr->gr_gid) != 0) {
			snprintf(err, errlen, "%s: cannot give it to group %s: %s", path, group,
			         gr == NULL ? "no such group" : strerror(errno));
			goto fail;
		}
	}
	if (mode >= 0 && chmod(path, (mode_t)mode) != 0) {
		snprintf(err, errlen, "%s: chmod: %s", path, strerror(errno));
		goto fail;
	}
	if (listen(fd, 64) != 0) {
		snprintf(err, errlen, "%s: listen: %s", path, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	sockfile_remove(path, id);
	id->valid = false;
	return -1;
}
