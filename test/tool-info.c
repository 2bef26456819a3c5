/* SPDX-License-Identifier: MIT */
/*
 * io_uring-info (bin/io_uring-info.c) run as a user runs it: its opcode
 * table agrees with io_uring_get_probe() in text and in --json, the JSON
 * is well formed, and under a seccomp filter that refuses io_uring_setup
 * it says io_uring cannot be used and why.
 *
 * The program is looked up at ../bin/io_uring-info from this test's own
 * directory, where make builds it (B=DIR too) and where the kernel VM
 * harness puts it when given KERNEL_EXTRA_FILES=bin/io_uring-info; the
 * tests skip when it is not there.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define OUT_MAX	(256 * 1024)

static char tool[4096 + 32];

/* Sets tool[] and skips when the program is not built beside the tests. */
static void find_tool(void)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	assert_true(n > 0);
	self[n] = '\0';
	slash = strrchr(self, '/');
	assert_non_null(slash);
	*slash = '\0';
	snprintf(tool, sizeof(tool), "%s/../bin/io_uring-info", self);
	if (access(tool, X_OK))
		T_SKIP("%s not built (make programs)", tool);
}

/*
 * Runs the tool with @arg (or none), optionally under a seccomp filter
 * refusing io_uring_setup with EPERM; returns its exit status and its
 * standard output in @out (NUL-terminated).
 */
static int run_tool(const char *arg, bool deny_setup, char *out, size_t len)
{
	int pipefd[2], status;
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sock_filter filter[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				 offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
				 __NR_io_uring_setup, 0, 1),
			BPF_STMT(BPF_RET | BPF_K,
				 SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = {
			.len = sizeof(filter) / sizeof(filter[0]),
			.filter = filter,
		};

		int null = open("/dev/null", O_WRONLY);

		/* The usage line of a bad argument is not the test's output. */
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		if (deny_setup &&
		    (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		     prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)))
			_exit(100);
		execl(tool, tool, arg, (char *) NULL);
		_exit(101);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], out + used, len - 1 - used)) > 0)
		used += (size_t) n;
	out[used] = '\0';
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_not_equal(WEXITSTATUS(status), 100);
	/* A binary of another architecture than the tests (a cross build
	 * copied into the wrong VM) cannot run here. */
	if (WEXITSTATUS(status) == 101)
		T_SKIP("%s cannot be executed here", tool);
	return WEXITSTATUS(status);
}

/* --- a small JSON checker: syntax only ----------------------------------- */

static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		if ((unsigned char) *p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (!*p || !strchr("\"\\/bfnrtu", *p))
				return NULL;
		}
		p++;
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *json_number(const char *p)
{
	const char *start;

	if (*p == '-')
		p++;
	start = p;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p == start || (*start == '0' && p - start > 1))
		return NULL;
	return p;
}

/* "{...}" or "[...]": members (key: value for objects) separated by ','. */
static const char *json_container(const char *p, int depth, bool object)
{
	char close = object ? '}' : ']';

	p = json_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (object) {
			p = json_string(p);
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = json_value(json_ws(p), depth + 1);
		if (!p)
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
		p = json_ws(p);
	}
}

static const char *json_value(const char *p, int depth)
{
	if (depth > 16)
		return NULL;
	switch (*p) {
	case '{':
		return json_container(p, depth, true);
	case '[':
		return json_container(p, depth, false);
	case '"':
		return json_string(p);
	case 't':
		return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f':
		return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n':
		return strncmp(p, "null", 4) ? NULL : p + 4;
	default:
		return json_number(p);
	}
}

static bool json_valid(const char *text)
{
	const char *end;

	text = json_ws(text);
	if (*text != '{')
		return false;
	end = json_value(text, 0);
	return end && *json_ws(end) == '\0';
}

/* io_uring-info --json into @out: it must exit @status and parse. */
static void run_json(bool deny_setup, int status, char *out)
{
	assert_int_equal(run_tool("--json", deny_setup, out, OUT_MAX), status);
	if (!json_valid(out))
		fail_msg("--json output does not parse:\n%s", out);
}

/* --- tests -------------------------------------------------------------- */

static void test_json_checker(void **state)
{
	(void) state;
	assert_true(json_valid("{\"a\": [1, -2, {\"b\": null}], \"c\": \"x\\\"\"}"));
	assert_false(json_valid("{\"a\": [1, 2,]}"));
	assert_false(json_valid("{\"a\": 1} x"));
	assert_false(json_valid("{\"a\" 1}"));
	assert_false(json_valid("[1]"));
}

/* Every opcode the probe knows is listed once with the probe's answer. */
static void check_ops(const struct io_uring_probe *probe, const bool *seen,
		      int listed)
{
	int op;

	assert_true(listed >= probe->last_op + 1);
	for (op = 0; op <= probe->last_op; op++)
		if (!seen[op])
			fail_msg("opcode %d not listed", op);
}

static void test_text_opcodes(void **state)
{
	struct io_uring_probe *probe;
	char *out = malloc(OUT_MAX), *line, *save = NULL, release[128];
	bool in_ops = false, seen[256] = { false };
	int listed = 0, status, n, supported = 0;
	struct utsname uts;

	(void) state;
	find_tool();
	assert_non_null(out);
	probe = io_uring_get_probe();
	if (!probe)
		T_SKIP("no opcode probe (IORING_REGISTER_PROBE, Linux 5.6)");
	status = run_tool(NULL, false, out, OUT_MAX);
	assert_int_equal(status, 0);
	assert_int_equal(uname(&uts), 0);
	assert_int_equal(sscanf(out, "kernel: %127s", release), 1);
	assert_string_equal(release, uts.release);
	assert_non_null(strstr(out, "\nio_uring:           usable\n"));

	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[64], yes[8];
		int op;

		if (!strncmp(line, "opcodes:", 8)) {
			assert_int_equal(sscanf(line,
				"opcodes: %d supported, the kernel knows 0-%d",
				&supported, &n), 2);
			assert_int_equal(n, probe->last_op);
			in_ops = true;
			continue;
		}
		if (!in_ops)
			continue;
		if (sscanf(line, " %d %63s %7s", &op, name, yes) != 3)
			break;		/* the blank line after the table */
		assert_int_equal(op, listed);
		assert_true(op < 256);
		if (strcmp(yes, io_uring_opcode_supported(probe, op) ?
			   "yes" : "no"))
			fail_msg("opcode %d (%s): tool says %s, probe says %s",
				 op, name, yes,
				 io_uring_opcode_supported(probe, op) ?
				 "yes" : "no");
		seen[op] = true;
		listed++;
	}
	assert_true(in_ops);
	check_ops(probe, seen, listed);
	for (n = 0; n <= probe->last_op; n++)
		supported -= io_uring_opcode_supported(probe, n);
	assert_int_equal(supported, 0);
	io_uring_free_probe(probe);
	free(out);
}

static void test_json(void **state)
{
	struct io_uring_probe *probe;
	char *out = malloc(OUT_MAX), *p, *end;
	bool seen[256] = { false };
	int listed = 0;

	(void) state;
	find_tool();
	assert_non_null(out);
	probe = io_uring_get_probe();
	if (!probe)
		T_SKIP("no opcode probe (IORING_REGISTER_PROBE, Linux 5.6)");
	run_json(false, 0, out);
	assert_non_null(strstr(out, "\"usable\": true,"));
	assert_non_null(strstr(out, "\"setup_error\": null,"));
	assert_non_null(strstr(out, "\"kernel\": \""));
	assert_non_null(strstr(out, "\"setup_flags\": ["));
	assert_non_null(strstr(out, "\"largest_ring\": {\"sq_entries\": "));

	/* The opcodes: from their key to the next one. */
	p = strstr(out, "\"opcodes\": [");
	assert_non_null(p);
	end = strstr(p, "\"setup_flags\"");
	assert_non_null(end);
	*end = '\0';
	while ((p = strstr(p, "{\"number\": ")) != NULL) {
		char name[64], supported[8];
		int op;

		if (sscanf(p, "{\"number\": %d, \"name\": \"%63[^\"]\", "
			   "\"supported\": %7[a-z]}", &op, name,
			   supported) != 3)
			fail_msg("bad opcode entry: %.80s", p);
		assert_int_equal(op, listed);
		assert_true(op < 256);
		assert_string_equal(supported,
				    io_uring_opcode_supported(probe, op) ?
				    "true" : "false");
		seen[op] = true;
		listed++;
		p++;
	}
	check_ops(probe, seen, listed);
	io_uring_free_probe(probe);
	free(out);
}

/* The registration opcodes every kernel with restrictions (5.10) has. */
static void test_json_register_ops(void **state)
{
	char *out = malloc(OUT_MAX);

	(void) state;
	find_tool();
	assert_non_null(out);
	assert_int_equal(run_tool("--json", false, out, OUT_MAX), 0);
	if (strstr(out, "\"register_opcodes\": null"))
		T_SKIP("restrictions (IORING_REGISTER_RESTRICTIONS, Linux 5.10)");
	assert_non_null(strstr(out, "{\"number\": 8, \"name\": "
			       "\"REGISTER_PROBE\", \"supported\": true}"));
	assert_non_null(strstr(out, "{\"number\": 11, \"name\": "
			       "\"REGISTER_RESTRICTIONS\", \"supported\": true}"));
	/* R_DISABLED (5.10) is what the registration probe stands on. */
	assert_non_null(strstr(out, "\"name\": \"R_DISABLED\", "
			       "\"supported\": true"));
	free(out);
}

/* With io_uring_setup refused by seccomp, the tool says so and exits 1. */
static void test_seccomp_denied(void **state)
{
	char *out = malloc(OUT_MAX);
	int status;

	(void) state;
	find_tool();
	assert_non_null(out);
	run_json(true, 1, out);
	assert_non_null(strstr(out, "\"usable\": false,"));
	assert_non_null(strstr(out, "\"name\": \"EPERM\""));
	assert_non_null(strstr(out, "\"seccomp\": 2,"));
	assert_non_null(strstr(out, "\"opcodes\": null,"));
	/* A sysctl that disables io_uring is named before seccomp (6.6). */
	if (!strstr(out, "\"io_uring_disabled\": 1") &&
	    !strstr(out, "\"io_uring_disabled\": 2"))
		assert_non_null(strstr(out, "seccomp filter blocks io_uring"));

	status = run_tool(NULL, true, out, OUT_MAX);
	assert_int_equal(status, 1);
	assert_non_null(strstr(out, "NOT usable: setup fails with EPERM"));
	free(out);
}

static void test_bad_argument(void **state)
{
	char out[256];

	(void) state;
	find_tool();
	assert_int_equal(run_tool("--bogus", false, out, sizeof(out)), 2);
	assert_string_equal(out, "");
	assert_int_equal(run_tool("--help", false, out, sizeof(out)), 0);
	assert_string_equal(out, "usage: io_uring-info [--json]\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_checker),
		cmocka_unit_test(test_text_opcodes),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_register_ops),
		cmocka_unit_test(test_seccomp_denied),
		cmocka_unit_test(test_bad_argument),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
