import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// dockstore's hand walk for kernels without openat2 (`ConfinedPath.open(below:…)`), run for
/// real: the dockstore binary under the `NoOpenat2` seccomp launcher. First the launcher is
/// shown to work (openat2 really fails with ENOSYS under it, and dockstore's own openat2 calls
/// do, as strace sees them), so these tests cannot pass on the openat2 path; then trees with
/// hard cases for a walk — link loops, 41 links, a file where a folder belongs, `..` past the
/// root through links at several levels, a magic link on procfs — end exactly as with openat2:
/// the same exit, messages and tree, and nothing outside the root touched.
/// ConfinementIntegrationTests runs its provision, backend, teardown and migrate-ebs cases
/// both ways too.
@Suite(.serialized, .enabled(if: isRoot && hasDockerd, Comment(rawValue: needsDockerd)))
struct ConfinementFallbackIntegrationTests {
    @Test func theLauncherMakesOpenat2FailWithENOSYS() throws {
        try withTestRoot { root in
            let launcher = try NoOpenat2.build(in: root.path + "/.oracle", using: root)
            let direct = try root.run(launcher, ["--call-openat2"])
            #expect(direct.stdout == "ok\n", "this kernel has openat2, so the openat2 runs use it: \(direct.stdout)")
            let filtered = try root.run(launcher, [launcher, "--call-openat2"])
            #expect(filtered.stdout == "ENOSYS\n", "\(filtered.stdout) \(filtered.stderr)")

            // dockstore itself: every openat2 it makes fails with ENOSYS under the launcher,
            // and it still reads the files (through the hand walk); without it they succeed.
            try root.write(root.sysconfig, "DOCKER_OPTS=\"-s overlay2\"\n")
            try root.write(root.path + "/etc/docker/daemon.json", "{\"debug\": true}\n")
            let traced = try root.run("/usr/bin/strace", ["-f", "-qq", "-e", "trace=openat2", launcher, TestRoot.binary, "backend", "--root", root.path])
            let calls = traced.stderr.split(separator: "\n").filter { $0.contains("openat2(") }
            #expect(!calls.isEmpty && calls.allSatisfy { $0.hasSuffix("= -1 ENOSYS (Function not implemented)") }, "\(traced.stderr)")
            #expect(traced.status == 0 && traced.stdout.contains("overlay2"), "\(traced.stdout)")
            let plain = try root.run("/usr/bin/strace", ["-f", "-qq", "-e", "trace=openat2", TestRoot.binary, "backend", "--root", root.path])
            let plainCalls = plain.stderr.split(separator: "\n").filter { $0.contains("openat2(") }
            #expect(!plainCalls.isEmpty && !plainCalls.contains { $0.contains("ENOSYS") }, "\(plain.stderr)")
            #expect(plain.stdout == traced.stdout)
        }
    }

    /// A tree that is hard to walk by hand: (name, shell commands run in the root, with
    /// `$DECOY` the decoy folder beside it, the exit of `backend vfs --force` both ways).
    static let trees: [(String, String, Int32)] = [
        // A refusal naming the loop since attack 54 Y (it was a failed call, exit 1).
        ("a link loop at etc", "mv etc etc.real && ln -s etc2 etc && ln -s etc etc2", 2),
        ("41 links in a chain", "mv etc e0 && for i in $(seq 1 40); do ln -s e$((i-1)) e$i; done && ln -s e40 etc", 2),
        ("40 links in a chain", "mv etc e1 && for i in $(seq 2 40); do ln -s e$((i-1)) e$i; done && ln -s e40 etc", 0),
        ("a file where a folder belongs", "rm -rf etc/sysconfig && echo x > etc/sysconfig", 2),
        ("an escaping relative link to an absolute link, and one naming the decoy",
         "rm -rf etc/docker etc/sysconfig && mkdir -p real/etc/docker \".$DECOY/etc/sysconfig\""
            + " && ln -s ../../../../../../../../../../y etc/docker && ln -s /real/etc/docker y"
            + " && ln -s \"../../../../../../../../..$DECOY/etc/sysconfig\" etc/sysconfig", 0),
        ("`..` past the root in a link at the third level",
         "mv etc/docker etc/docker.real && ln -s ../../../../../../../../../etc/docker.real/./../docker.real etc/docker", 0),
        ("an absolute link naming the decoy, with `..` after it",
         "rm -rf etc/sysconfig && mkdir -p \".$DECOY/etc/sysconfig/sub\" && ln -s \"$DECOY/etc/sysconfig/sub/..\" etc/sysconfig", 0),
        ("a link to a missing folder for a file dockstore creates", "rm -rf etc/sysconfig && ln -s /nowhere/sysconfig etc/sysconfig", 2),
        ("a link at the last component", "rm etc/docker/daemon.json && ln -s \"$DECOY/etc/docker/daemon.json\" etc/docker/daemon.json", 2),
        ("a magic link on procfs",
         "rm -rf etc/docker && mkdir proc && mount -t proc proc proc && ln -s \"/proc/self/root$DECOY/etc/docker\" etc/docker", 2),
    ]

    /// What a run left: exit, output and the tree (kinds, link targets, file hashes), with the
    /// root's path written as ROOT; and whether the decoy beside the root is as it was.
    struct Outcome: Equatable, CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var tree: String
        var decoyUnchanged: Bool

        var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)\ntree:\n\(tree)\ndecoy unchanged: \(decoyUnchanged)" }
    }

    func outcome(_ setup: String, _ resolver: PathResolver, _ arguments: [String]) throws -> Outcome {
        var result: Outcome? = nil
        try withTestRoot { root in
            if resolver == .fallback { _ = try NoOpenat2.build(in: root.path + "/.oracle", using: root) }
            let decoy = try ConfinementIntegrationTests.Decoy(beside: root)
            defer { decoy.remove() }
            try root.write(root.sysconfig, "DOCKER_OPTS=\"-s overlay2\"\n")
            try root.write(root.path + "/etc/docker/daemon.json", "{\"storage-driver\": \"overlay2\", \"debug\": true}\n")
            _ = try root.sh("cd '\(root.path)' && DECOY='\(decoy.path)' && \(setup)")
            let before = try decoy.hash(root)
            let run = try root.dockstore(arguments, resolver: resolver)
            let tree = try root.sh("cd '\(root.path)' && find . -xdev \\( -name .oracle -o -name '.out-*' -o -name '.err-*' \\) -prune -o -printf '%p %y %l\\n' | LC_ALL=C sort"
                                   + " && find . -xdev -name .oracle -prune -o -type f ! -name '.out-*' ! -name '.err-*' -exec sha256sum {} + | LC_ALL=C sort")
            func shown(_ text: String) -> String {
                // A magic link's refusal names it with the pid of the run that met it.
                text.replacingOccurrences(of: decoy.path, with: "DECOY").replacingOccurrences(of: root.path, with: "ROOT")
                    .replacingOccurrences(of: "/proc/[0-9]+/", with: "/proc/PID/", options: .regularExpression)
            }
            result = Outcome(status: run.status, stdout: shown(run.stdout), stderr: shown(run.stderr),
                             tree: shown(tree), decoyUnchanged: try decoy.hash(root) == before)
        }
        return try #require(result)
    }

    @Test(arguments: trees)
    func aHardTreeEndsAsWithOpenat2(_ name: String, _ setup: String, _ exit: Int32) throws {
        for arguments in [["backend", "vfs", "--force"], ["backend"]] {
            let kernel = try outcome(setup, .openat2, arguments)
            let walked = try outcome(setup, .fallback, arguments)
            #expect(kernel.decoyUnchanged, "\(name), \(arguments): openat2 run touched the decoy")
            if arguments.count > 1 { #expect(kernel.status == exit, "\(name): \(kernel.stderr)") }
            #expect(walked == kernel, "\(name), \(arguments):\n--- openat2\n\(kernel)\n--- hand walk\n\(walked)")
        }
    }
}
