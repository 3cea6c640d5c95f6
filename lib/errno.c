// SPDX-License-Identifier: MIT
/* Names and meanings of the errno values the kernel returns (for oopses and the monitor). */
#include "errno.h"
#include "compiler.h"

static const struct {
	int err;
	const char *name;
	const char *text;
} errnos[] = {
	{ EPERM, "EPERM", "Operation not permitted" },
	{ ENOENT, "ENOENT", "No such file or directory" },
	{ EINTR, "EINTR", "Interrupted system call" },
	{ EIO, "EIO", "I/O error" },
	{ E2BIG, "E2BIG", "Argument list too long" },
	{ ENOEXEC, "ENOEXEC", "Exec format error" },
	{ EAGAIN, "EAGAIN", "Try again" },
	{ ENOMEM, "ENOMEM", "Out of memory" },
	{ EFAULT, "EFAULT", "Bad address" },
	{ EBUSY, "EBUSY", "Device or resource busy" },
	{ EEXIST, "EEXIST", "File exists" },
	{ ENODEV, "ENODEV", "No such device" },
	{ EINVAL, "EINVAL", "Invalid argument" },
	{ ENOSPC, "ENOSPC", "No space left on device" },
	{ ERANGE, "ERANGE", "Math result not representable" },
	{ ENOSYS, "ENOSYS", "Function not implemented" },
	{ EILSEQ, "EILSEQ", "Illegal byte sequence" },
	{ EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL", "Cannot assign requested address" },
};

static int find(int err)
{
	for (unsigned i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].err == -err)
			return (int)i;
	return -1;
}

const char *errno_name(int err)
{
	int i = find(err);
	return i < 0 ? "E?" : errnos[i].name;
}

const char *errno_text(int err)
{
	int i = find(err);
	return i < 0 ? "Unknown error" : errnos[i].text;
}
