/* SPDX-License-Identifier: MIT */
/* Kernel error numbers: functions return them negated (-EINVAL), as Linux does. */
#ifndef JUMPER_ERRNO_H
#define JUMPER_ERRNO_H

#define EPERM    1
#define ENOENT   2
#define EINTR    4
#define EIO      5
#define E2BIG    7
#define ENOEXEC  8
#define EAGAIN  11
#define ENOMEM  12
#define EFAULT  14
#define EBUSY   16
#define EEXIST  17
#define ENODEV  19
#define EINVAL  22
#define ENOSPC  28
#define ERANGE  34
#define ENOSYS  38
#define EILSEQ  84
#define EOPNOTSUPP 95
#define EADDRNOTAVAIL 99

/* errno_name(-EINVAL) == "EINVAL"; unknown values give "E?". */
const char *errno_name(int err);
/* errno_text(-EINVAL) == "Invalid argument". */
const char *errno_text(int err);

#endif
