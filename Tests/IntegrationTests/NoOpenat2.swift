import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A launcher that runs a program as on a kernel before 5.6 (SLES 15 SP2/SP3 run 5.3): it sets
/// no_new_privs and a seccomp filter that makes openat2(2) fail with ENOSYS, then execs the
/// program, whose children inherit the filter. Built from the C below by the toolchain's
/// clang (or cc) into the test root, so CI needs nothing beyond what builds dockstore.
///
/// `no-openat2 --call-openat2` is the probe: it calls openat2 on `/` and prints `ok` or the
/// errno's name, so a test can show that the filter is really in place under the launcher
/// (and absent without it) instead of passing silently on the openat2 path.
enum NoOpenat2 {
    static let source = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <fcntl.h>
        #include <stddef.h>
        #include <stdio.h>
        #include <string.h>
        #include <unistd.h>
        #include <sys/prctl.h>
        #include <sys/syscall.h>
        #include <linux/audit.h>
        #include <linux/filter.h>
        #include <linux/openat2.h>
        #include <linux/seccomp.h>

        #if defined(__x86_64__)
        #define ARCH AUDIT_ARCH_X86_64
        #elif defined(__aarch64__)
        #define ARCH AUDIT_ARCH_AARCH64
        #else
        #error "no seccomp arch for this machine"
        #endif

        int main(int argc, char **argv) {
            if (argc == 2 && strcmp(argv[1], "--call-openat2") == 0) {
                struct open_how how = { .flags = O_RDONLY | O_DIRECTORY };
                long fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);
                if (fd >= 0) { puts("ok"); return 0; }
                puts(errno == ENOSYS ? "ENOSYS" : strerror(errno));
                return 1;
            }
            if (argc < 2) { fprintf(stderr, "usage: no-openat2 PROGRAM [ARG...] | --call-openat2\\n"); return 64; }
            struct sock_filter filter[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
            };
            struct sock_fprog program = { .len = sizeof filter / sizeof filter[0], .filter = filter };
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { perror("no-openat2: PR_SET_NO_NEW_PRIVS"); return 70; }
            if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) { perror("no-openat2: seccomp"); return 70; }
            execv(argv[1], argv + 1);
            perror(argv[1]);
            return 127;
        }
        """

    /// Builds the launcher into `folder` (once per folder) and returns its path.
    static func build(in folder: String, using root: TestRoot) throws -> String {
        let binary = folder + "/no-openat2"
        if FileManager.default.isExecutableFile(atPath: binary) { return binary }
        try root.write(folder + "/no-openat2.c", source)
        let compiler = try root.sh("command -v clang || command -v cc").split(separator: "\n").first.map(String.init) ?? "cc"
        _ = try root.sh("'\(compiler)' -O2 -Wall -Werror -o '\(binary)' '\(folder)/no-openat2.c'")
        return binary
    }
}

/// How dockstore resolves paths under --root in a test run: through openat2, or, under the
/// `NoOpenat2` launcher, through its hand walk.
enum PathResolver: String, CustomTestStringConvertible, CaseIterable, Sendable {
    case openat2
    case fallback = "fallback (openat2 ENOSYS)"

    var testDescription: String { rawValue }
}

extension TestRoot {
    /// Runs dockstore with `--root` as `dockstore(_:environment:)` does, under `resolver`.
    func dockstore(_ arguments: [String], resolver: PathResolver, environment: [String: String] = [:]) throws -> RunResult {
        switch resolver {
        case .openat2:
            return try dockstore(arguments, environment: environment)
        case .fallback:
            let launcher = try NoOpenat2.build(in: path + "/.oracle", using: self)
            return try run(launcher, [TestRoot.binary] + arguments + ["--root", path], environment: environment)
        }
    }
}
