// SPDX-License-Identifier: MIT
/* A small vsnprintf: the subset of C's printf the kernel needs (see include/sprintf.h). */
#include "sprintf.h"
#include "string.h"

struct out {
	char *buf;
	size_t size;
	size_t len;     /* characters produced so far, even past size */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left;      /* '-' */
	bool zero;      /* '0' */
	int width;
	int precision;  /* -1: none */
};

static void emit_str(struct out *o, const struct spec *sp, const char *s)
{
	if (!s)
		s = "(null)";
	int n = (int)strnlen(s, sp->precision < 0 ? (size_t)-1 : (size_t)sp->precision);
	if (!sp->left)
		pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - n);
}

/* Prints v in base 10 or 16; neg adds a '-' sign. Zero-padding goes after the sign. */
static void emit_num(struct out *o, const struct spec *sp, u64 v, bool neg,
		     unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);

	int len = n + (neg ? 1 : 0);
	if (!sp->left && !sp->zero)
		pad(o, ' ', sp->width - len);
	if (neg)
		put(o, '-');
	if (!sp->left && sp->zero)
		pad(o, '0', sp->width - len);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		struct spec sp = { false, false, 0, -1 };
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			sp.precision = 0;
			if (*fmt == '*') {
				sp.precision = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				sp.precision = sp.precision * 10 + (*fmt++ - '0');
		}
		int lng = 0;    /* -2 hh, -1 h, 0 int, 1 long/size_t, 2 long long */
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'h')
				lng--;
			else if (*fmt == 'z')
				lng = 1;
			else
				break;
		}

		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 v = lng >= 2 ? va_arg(ap, long long)
			      : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
			if (lng == -1)
				v = (short)v;
			else if (lng <= -2)
				v = (signed char)v;
			emit_num(&o, &sp, v < 0 ? (u64)0 - (u64)v : (u64)v, v < 0, 10, false);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			u64 v = lng >= 2 ? va_arg(ap, unsigned long long)
			      : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			if (lng == -1)
				v = (unsigned short)v;
			else if (lng <= -2)
				v = (unsigned char)v;
			emit_num(&o, &sp, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X');
			break;
		}
		case 'p': {
			struct spec ps = { sp.left, true, sp.width > 8 ? sp.width : 8, -1 };
			emit_num(&o, &ps, (uintptr_t)va_arg(ap, void *), false, 16, false);
			break;
		}
		case 's':
			emit_str(&o, &sp, va_arg(ap, const char *));
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };
			struct spec cs = sp;
			cs.precision = 1;
			if (!c[0]) {    /* a NUL character still counts as one */
				if (!cs.left)
					pad(&o, ' ', cs.width - 1);
				put(&o, '\0');
				if (cs.left)
					pad(&o, ' ', cs.width - 1);
			} else {
				emit_str(&o, &cs, c);
			}
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':      /* lone '%' at the end: print it and stop */
			put(&o, '%');
			fmt--;
			break;
		default:        /* unknown conversion: print it verbatim so the bug is visible */
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
