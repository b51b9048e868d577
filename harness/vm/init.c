// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the test VM (harness/vm/vm.sh packs it as /init, statically
 * linked, into the initramfs).
 *
 * It sets up the little a test program needs that a full distro would
 * have (devtmpfs, proc, sysfs, tmpfs on /tmp and /dev/shm, loopback up, a
 * raised RLIMIT_MEMLOCK), mounts the scratch filesystem the host made on
 * the first NVMe namespace (so that TMPDIR supports O_DIRECT and IOPOLL
 * on every kernel: tmpfs has no O_DIRECT before 6.6) and the test tree
 * from the third (unless it came in the initramfs), then runs the
 * suite's own POSIX-sh runner with busybox.
 *
 * The runner's stdout (KTAP) goes to its own serial port, kept apart from
 * the kernel log on the console; afterwards the runner's results directory
 * goes out as a tar stream on a third port, so that the host gets the
 * runner's own summary.json and junit.xml.  The runner's exit status is
 * handed to QEMU through isa-debug-exit (QEMU then exits with 2 * v + 1),
 * after tcdrain() on every port: writing the exit port stops QEMU at once
 * and would lose what is still in the UART otherwise.
 *
 * Everything that varies per run comes from the host, on the kernel
 * command line (vmtest.*) and in two files in the initramfs:
 *   /vm/env    KEY=VALUE lines for the runner's environment
 *   /vm/args   the runner's arguments, one per line
 *
 * Lines starting "vminit: " on the console are for vm.sh to read.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* exit codes through isa-debug-exit, beyond the runner's 0/1/2 */
#define EXIT_INIT_ERROR		10	/* QEMU status 21 */

#define MAX_ARGS	256

static int console_fd = -1;

static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(console_fd >= 0 ? console_fd : 2, "vminit: ", 8) < 0 ||
	    write(console_fd >= 0 ? console_fd : 2, buf, (size_t)n) < 0)
		return;
}

static double uptime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void do_mount(const char *src, const char *dst, const char *type,
		     unsigned long flags, const char *data)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, flags, data) && errno != EBUSY)
		say("mount %s on %s: %s", type, dst, strerror(errno));
}

/* value of vmtest.<key>= on the kernel command line, or def */
static const char *cmdline_get(const char *key, const char *def)
{
	static char cmdline[4096];
	static bool loaded;
	size_t klen = strlen(key);
	char *p;

	if (!loaded) {
		int fd = open("/proc/cmdline", O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, cmdline, sizeof(cmdline) - 1) : -1;

		cmdline[n > 0 ? n : 0] = '\0';
		if (fd >= 0)
			close(fd);
		loaded = true;
	}
	for (p = cmdline; (p = strstr(p, "vmtest.")); p++) {
		if ((p == cmdline || p[-1] == ' ') &&
		    !strncmp(p + 7, key, klen) && p[7 + klen] == '=') {
			const char *v = p + 8 + klen;

			return strndup(v, strcspn(v, " \n"));
		}
	}
	return def;
}

/* open /dev/<name> as a raw serial line: bytes pass unchanged */
static int open_port(const char *name)
{
	char path[64];
	struct termios tio;
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		say("open %s: %s", path, strerror(errno));
		return -1;
	}
	if (!tcgetattr(fd, &tio)) {
		cfmakeraw(&tio);
		cfsetospeed(&tio, B115200);
		tcsetattr(fd, TCSANOW, &tio);
	}
	return fd;
}

static void loopback_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (!ioctl(s, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(s, SIOCSIFFLAGS, &ifr))
			say("lo up: %s", strerror(errno));
	}
	close(s);
}

static void set_limit(int res, const char *name, const char *val)
{
	struct rlimit rl;

	if (!strcmp(val, "unlimited"))
		rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
	else
		rl.rlim_cur = rl.rlim_max = strtoull(val, NULL, 10);
	if (setrlimit(res, &rl))
		say("setrlimit %s %s: %s", name, val, strerror(errno));
}

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	/* a kernel without the knob is fine */
	if ((fd < 0 && errno != ENOENT) ||
	    (fd >= 0 && write(fd, val, strlen(val)) < 0))
		say("write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static long read_long(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return strtol(buf, NULL, 10);
}

/* wait up to ms for path to appear (NVMe probing is asynchronous) */
static bool wait_for(const char *path, int ms)
{
	struct stat st;

	for (int i = 0; i <= ms / 10; i++) {
		if (!stat(path, &st))
			return true;
		usleep(10000);
	}
	return false;
}

/*
 * /dev/nvme0nY for the namespace with this nsid (a decimal string), once
 * it has appeared (probing is asynchronous); NULL without one in 10 s.
 */
static const char *nvme_disk(const char *nsid)
{
	static char dev[8][64];
	static int next;

	if (!nsid)
		return NULL;
	for (int tries = 0; tries < 1000; tries++) {
		for (int y = 1; y <= 8; y++) {
			char path[64], *d = dev[next & 7];

			snprintf(path, sizeof(path), "/sys/block/nvme0n%d/nsid", y);
			if (read_long(path) == strtol(nsid, NULL, 10)) {
				snprintf(d, 64, "/dev/nvme0n%d", y);
				if (wait_for(d, 1000)) {
					next++;
					return d;
				}
			}
		}
		usleep(10000);
	}
	say("no NVMe namespace %s", nsid);
	return NULL;
}

/*
 * Read a file of lines into argv-style pointers (the buffer is kept).
 * Returns the number of lines, -1 if the file is missing.
 */
static int read_lines(const char *path, char **out, int max)
{
	/* one buffer per file: env holds pointers into its own */
	static char buf[3][65536];
	static int which;
	char *b = buf[which++ % 3];
	int fd = open(path, O_RDONLY | O_CLOEXEC), n = 0;
	ssize_t len;
	char *p, *nl;

	if (fd < 0)
		return -1;
	len = read(fd, b, sizeof(buf[0]) - 1);
	close(fd);
	if (len < 0)
		return -1;
	b[len] = '\0';
	for (p = b; *p && n < max; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (*p)
			out[n++] = p;
		if (!nl)
			break;
	}
	return n;
}

static void debug_exit(int code)
{
	/* QEMU exits at once with status 2 * code + 1 */
	if (!ioperm(0xf4, 4, 1))
		outl((unsigned int)code, 0xf4);
	else
		say("ioperm: %s", strerror(errno));
}

/*
 * Run argv with stdout on out_fd and stderr on the console; reap every
 * other process that ends meanwhile (we are PID 1).  Returns the wait
 * status.
 */
static int run(char *const argv[], int out_fd)
{
	pid_t pid = fork(), w;
	int status = 0;

	if (pid < 0) {
		say("fork: %s", strerror(errno));
		return -1;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		setsid();
		dup2(null, 0);
		dup2(out_fd, 1);
		dup2(console_fd, 2);
		/* the programs get 0, 1 and 2 only, as on a host */
		if (null > 2)
			close(null);
		execv(argv[0], argv);
		say("exec %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	while ((w = wait(&status)) != pid)
		if (w < 0 && errno != EINTR)
			return -1;
	return status;
}

/* guest CPU time busy and idle (seconds): idle is waiting on timers and
 * devices, which a faster or less loaded host would not shorten */
static void cpu_report(void)
{
	char buf[512] = "";
	unsigned long long v[8] = { 0 };
	int fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
	long hz = sysconf(_SC_CLK_TCK);

	if (fd < 0)
		return;
	if (read(fd, buf, sizeof(buf) - 1) > 0 &&
	    sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8)
		say("cpu busy %.2f idle %.2f",
		    (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / hz,
		    (double)(v[3] + v[4]) / hz);
	close(fd);
}

/*
 * A check that changes the machine's global state, run after the suite
 * (vm.sh --io-uring-disabled: the kernel.io_uring_disabled sysctl; the
 * guest is the suite's own machine).  /vm/post holds its arguments for
 * sh, one per line.  Its output goes to the TAP port and to
 * post-check.log in the run's results; returns its exit status.
 */
static int post_check(char **args, int nargs, const char *dir, const char *run_name, int tap_fd)
{
	char *argv[MAX_ARGS + 2], path[512], buf[4096];
	int argc = 0, fd, st = 0, code, pfd[2];
	ssize_t n;
	pid_t pid, w;

	argv[argc++] = "/bin/sh";
	for (int i = 0; i < nargs; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	snprintf(path, sizeof(path), "%s/%s/post-check.log", dir, run_name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		say("post check: %s: %s", path, strerror(errno));
	if (pipe(pfd) || fcntl(pfd[0], F_SETFD, FD_CLOEXEC) || fcntl(pfd[1], F_SETFD, FD_CLOEXEC)) {
		say("pipe: %s", strerror(errno));
		return EXIT_INIT_ERROR;
	}
	say("post check starts at uptime %.3f", uptime());
	/* its output as it comes: the host's watchdog counts it as progress */
	pid = fork();
	if (pid < 0) {
		say("fork: %s", strerror(errno));
		return EXIT_INIT_ERROR;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		setsid();
		dup2(null, 0);
		dup2(pfd[1], 1);
		dup2(console_fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
		if (n <= 0)
			continue;
		if (write(tap_fd, buf, (size_t)n) != n)
			say("post check: TAP port: %s", strerror(errno));
		if (fd >= 0 && write(fd, buf, (size_t)n) != n)
			say("post check: %s: %s", path, strerror(errno));
	}
	close(pfd[0]);
	while ((w = wait(&st)) != pid)
		if (w < 0 && errno != EINTR)
			break;
	code = w == pid && WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_INIT_ERROR;
	say("post check exited with status %d at uptime %.3f", code, uptime());
	if (fd >= 0)
		close(fd);
	return code;
}

/*
 * kmemleak (a debug kernel booted with kmemleak=on): one scan after the
 * run, its suspects on the console.  They cannot be laid at one program's
 * door (the scan finds what no pointer reaches any more, whenever it
 * leaked), so vm.sh reports the count for the run.
 */
static void kmemleak_report(void)
{
	const char *f = "/sys/kernel/debug/kmemleak";
	char buf[4096];
	int fd, objects = 0, lines = 0;
	ssize_t n;

	if (access("/sys/kernel/debug", F_OK))
		return;
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	fd = open(f, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;		/* not built in, or off */
	if (write(fd, "scan", 4) != 4) {
		close(fd);
		return;		/* built in but off (no kmemleak=on) */
	}
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		for (char *p = buf; (p = strstr(p, "unreferenced object")); p++)
			objects++;
		/* the first suspects, with their backtraces */
		if (lines++ < 8 && console_fd >= 0 && write(console_fd, buf, (size_t)n) < 0)
			break;
	}
	close(fd);
	say("kmemleak: %d unreferenced objects", objects);
}

/* the runner watches the kernel log and taint itself; this is for the console */
static void report_taint(long before)
{
	say("tainted before=%ld after=%ld", before, read_long("/proc/sys/kernel/tainted"));
}

int main(void)
{
	char *env[64], *args[MAX_ARGS], *post[MAX_ARGS];
	char *argv[MAX_ARGS + 4];
	char results[128] = "", target[128];
	const char *tap_port, *out_port, *scratch, *rawdev, *suite, *results_dir;
	int nenv, nargs, npost, tap_fd, out_fd, status, code, argc = 0;
	long taint;
	ssize_t n;

	umask(022);
	do_mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	console_fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (console_fd >= 0) {
		dup2(console_fd, 0);
		dup2(console_fd, 1);
		dup2(console_fd, 2);
	}
	do_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	do_mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	do_mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	do_mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	do_mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	{
		char cs[64] = "?";
		int fd = open("/sys/devices/system/clocksource/clocksource0/current_clocksource",
			      O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, cs, sizeof(cs) - 1) : -1;

		if (n > 0)
			cs[strcspn(cs, "\n") < (size_t)n ? strcspn(cs, "\n") : (size_t)n] = '\0';
		if (fd >= 0)
			close(fd);
		say("started at uptime %.3f (clocksource %s)", uptime(), cs);
	}

	set_limit(RLIMIT_MEMLOCK, "memlock", cmdline_get("memlock", "unlimited"));
	set_limit(RLIMIT_NOFILE, "nofile", cmdline_get("nofile", "65536"));
	set_limit(RLIMIT_CORE, "core", "0");
	loopback_up();
	sethostname("vmtest", 6);
	/* a hung task is a kernel bug here; make it visible as a panic */
	write_file("/proc/sys/kernel/hung_task_timeout_secs",
		   cmdline_get("hung", "240"));

	/*
	 * NVMe namespaces by nsid: the kernel names the disks in the order
	 * it finds them, which is not the nsid order once scanning is
	 * asynchronous (seen on 7.3).
	 */
	scratch = nvme_disk(cmdline_get("scratch", NULL));
	if (scratch) {
		do_mount(scratch, "/scratch", "ext4", MS_NOSUID | MS_NODEV, "noinit_itable");
		chmod("/scratch", 01777);
	}
	rawdev = nvme_disk(cmdline_get("rawdev", NULL));
	if (rawdev) {
		char ng[64];

		/* block-device and passthrough tests: /dev/nvmeXnY, /dev/ngXnY */
		setenv("IOU_TEST_BLKDEV", rawdev, 1);
		snprintf(ng, sizeof(ng), "/dev/ng%s", rawdev + strlen("/dev/nvme"));
		/* the generic char devices came in 5.13 */
		if (!access("/sys/class/nvme-generic", F_OK) && wait_for(ng, 1000))
			setenv("IOU_TEST_NVME_CHARDEV", ng, 1);
	}
	suite = nvme_disk(cmdline_get("suite", NULL));
	if (suite)
		do_mount(suite, "/suite", "ext4", MS_RDONLY | MS_NOSUID | MS_NODEV, "noinit_itable");

	nenv = read_lines("/vm/env", env, 63);
	for (int i = 0; i < nenv; i++)
		if (strchr(env[i], '='))
			putenv(env[i]);
	nargs = read_lines("/vm/args", args, MAX_ARGS);
	npost = read_lines("/vm/post", post, MAX_ARGS);
	results_dir = getenv("IOU_RESULTS") ? getenv("IOU_RESULTS") : "/results";

	tap_port = cmdline_get("tap", "ttyS1");
	out_port = cmdline_get("out", NULL);
	tap_fd = open_port(tap_port);
	out_fd = out_port ? open_port(out_port) : -1;
	if (tap_fd < 0 || nargs < 0) {
		say("cannot run: %s", tap_fd < 0 ? "no TAP port" : "no /vm/args");
		debug_exit(EXIT_INIT_ERROR);
		reboot(RB_AUTOBOOT);
		return 1;
	}

	argv[argc++] = "/bin/sh";
	argv[argc++] = "/suite/run_tests.sh";
	for (int i = 0; i < nargs; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;

	taint = read_long("/proc/sys/kernel/tainted");
	say("runner starts at uptime %.3f", uptime());
	status = run(argv, tap_fd);
	code = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_INIT_ERROR;
	say("runner exited with status %d at uptime %.3f", code, uptime());
	cpu_report();
	report_taint(taint);
	kmemleak_report();
	tcdrain(tap_fd);

	/* the runner's results/<run>/, for the host to unpack */
	snprintf(target, sizeof(target), "%s/latest", results_dir);
	n = readlink(target, results, sizeof(results) - 1);
	if (n > 0)
		results[n] = '\0';
	if (npost > 0) {
		int pc = post_check(post, npost, results_dir, n > 0 ? results : ".", tap_fd);

		/* a failed check fails the run as a failed test does */
		if (pc && !code)
			code = 1;
		tcdrain(tap_fd);
	}
	if (out_fd >= 0 && n > 0) {
		/* gzip: the UART moves ~100 KB/s under TCG, the text shrinks 10x */
		char *tar[] = { "/bin/tar", "-c", "-z", "-f", "-", "-C",
				(char *)results_dir, results, NULL };
		int ts;

		ts = run(tar, out_fd);
		if (ts)
			say("tar of %s/%s: status %d", results_dir, results, ts);
		tcdrain(out_fd);
		say("results %s sent at uptime %.3f", results, uptime());
	}
	sync();
	if (console_fd >= 0)
		tcdrain(console_fd);
	debug_exit(code);
	/* without isa-debug-exit: a reboot ends QEMU under -no-reboot */
	reboot(RB_AUTOBOOT);
	return 0;
}
