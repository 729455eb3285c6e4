import Foundation
import Testing

/// Outside attack 14, Y-MON-1: dockerd's data root set elsewhere (daemon.json's "data-root",
/// a --data-root in DOCKER_OPTS) left check OK with the store's figures while Docker wrote to
/// the root filesystem; status already said so. check now warns, in every format, and cannot
/// say OK when it cannot read what dockerd is told.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DataRootCheckIntegrationTests {
    @Test func checkWarnsWhileDockerdsDataRootIsAnotherFolder() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            #expect(try root.dockstore(["check"]).status == 0)
            let daemonJSON = root.path + "/etc/docker/daemon.json"
            try root.sh("mkdir -p '\(root.path)/etc/docker'")
            try root.write(daemonJSON, "{\"data-root\": \"/srv/docker\"}\n")

            let said = "dockerd's data root '/srv/docker' (set by \"data-root\" in \(daemonJSON)) is not the store's mountpoint /var/lib/docker: Docker would not use this store"
            let check = try root.dockstore(["check"])
            #expect(check.status == 1, "\(check.stdout)")
            #expect(check.stdout.hasPrefix("DOCKSTORE WARNING - \(said)"), "\(check.stdout)")
            #expect(check.stdout.contains("what Docker writes goes elsewhere, where check does not look"), "\(check.stdout)")
            let json = try root.dockstore(["check", "--format", "json"])
            #expect(json.status == 1 && json.stdout.contains("\"data_root_elsewhere\""), "\(json.stdout)")
            let prom = try root.dockstore(["check", "--format", "prometheus"])
            #expect(prom.stdout.contains("dockstore_status{mountpoint=\"\(root.mountpoint)\",reason=\"data_root_elsewhere\"} 1"), "\(prom.stdout)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains(said), "status agrees: \(status.stdout)")

            // The same through DOCKER_OPTS, without the config file.
            try root.sh("rm '\(daemonJSON)'")
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=btrfs --data-root=/srv/docker\"\n")
            let opts = try root.dockstore(["check"])
            #expect(opts.status == 1 && opts.stdout.hasPrefix("DOCKSTORE WARNING - dockerd's data root '/srv/docker' (set by a data root flag"), "\(opts.stdout)")

            // The mountpoint spelled as dockerd cleans it is the store.
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=btrfs --data-root=/var/lib//docker/\"\n")
            let same = try root.dockstore(["check"])
            #expect(same.status == 0, "\(same.stdout)")

            // A config file that does not parse: check cannot tell, so it does not say OK.
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=btrfs\"\n")
            try root.write(daemonJSON, "{\"data-root\": \n")
            let broken = try root.dockstore(["check"])
            #expect(broken.status == 3, "\(broken.stdout)")
            #expect(broken.stdout.hasPrefix("DOCKSTORE UNKNOWN - cannot tell dockerd's data root or storage driver (DOCKER_OPTS in \(root.sysconfig), dockerd's config file): \(daemonJSON) is not valid JSON"), "\(broken.stdout)")
            // Both are judged from one reading of the files: one reason, not one per judgement.
            #expect(broken.stdout.components(separatedBy: "is not valid JSON").count == 2, "\(broken.stdout)")
            try root.sh("rm '\(daemonJSON)'")
            #expect(try root.dockstore(["check"]).status == 0)

            // Outside attack 15, C08: files reached through a link (absolute links resolve inside
            // --root) are read as dockerd and systemd read them; check edits nothing.
            try root.write(root.path + "/etc/docker/real.json", "{\"log-level\": \"warn\"}\n")
            try root.write(root.path + "/etc/sysconfig/docker.real", "DOCKER_OPTS=\"--storage-driver=btrfs\"\n")
            try root.sh("ln -s /etc/docker/real.json '\(daemonJSON)' && rm '\(root.sysconfig)' && ln -s docker.real '\(root.sysconfig)'")
            let linked = try root.dockstore(["check"])
            #expect(linked.status == 0 && linked.stdout.hasPrefix("DOCKSTORE OK - "), "\(linked.stdout)")
            try root.write(root.path + "/etc/docker/real.json", "{\"data-root\": \"/srv/docker\"}\n")
            let linkedElsewhere = try root.dockstore(["check"])
            #expect(linkedElsewhere.status == 1 && linkedElsewhere.stdout.contains("data root '/srv/docker'"), "\(linkedElsewhere.stdout)")
        }
    }

    /// Attack 15, C04: a data root that is a link to the store's mountpoint is the store (dockerd
    /// resolves its links); a link to another folder is not. C05: settings dockerd 20.10 refuses
    /// to start with are UNKNOWN in every format, naming why, as a file that does not parse is.
    @Test func aLinkedDataRootIsTheStoreAndSettingsDockerdRefusesAreUnknown() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let daemonJSON = root.path + "/etc/docker/daemon.json"
            try root.sh("mkdir -p '\(root.path)/etc/docker' '\(root.path)/srv/other' && ln -s /var/lib/docker '\(root.path)/srv/link' && ln -s /srv/other '\(root.path)/srv/away'")
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=btrfs --data-root=/srv/link\"\n")
            let linked = try root.dockstore(["check"])
            #expect(linked.status == 0 && linked.stdout.hasPrefix("DOCKSTORE OK - "), "\(linked.stdout)")
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=btrfs --data-root=/srv/away\"\n")
            let away = try root.dockstore(["check"])
            #expect(away.status == 1 && away.stdout.contains("data root '/srv/away'"), "\(away.stdout)")

            let refused: [(sysconfig: String, daemon: String?, why: String)] = [
                ("--storage-driver=btrfs", "{\"Data-Root\": \"/var/lib/docker\"}", "\"Data-Root\""),
                ("--storage-driver=btrfs", "{\"graph\": \"/var/lib/docker\", \"data-root\": \"/var/lib/docker\"}", "sets both \"graph\" and \"data-root\""),
                ("--storage-driver=btrfs --data-root=/var/lib/docker", "{\"data-root\": \"/var/lib/docker\"}", "data-root is set both in DOCKER_OPTS"),
                ("--storage-driver=btrfs --config-file /etc/docker/missing.json", nil, "names --config-file \(root.path)/etc/docker/missing.json, which does not exist"),
                ("--storage-driver=btrfs --data-root", nil, "--data-root"),
            ]
            for (opts, daemon, why) in refused {
                try root.write(root.sysconfig, "DOCKER_OPTS=\"\(opts)\"\n")
                if let daemon { try root.write(daemonJSON, daemon + "\n") } else { try root.sh("rm -f '\(daemonJSON)'") }
                let check = try root.dockstore(["check"])
                #expect(check.status == 3, "\(opts) \(daemon ?? ""): \(check.stdout)")
                #expect(check.stdout.hasPrefix("DOCKSTORE UNKNOWN - "), "\(check.stdout)")
                #expect(check.stdout.contains(why), "\(opts) \(daemon ?? ""): \(check.stdout)")
                let json = try root.dockstore(["check", "--format", "json"])
                #expect(json.status == 3, "\(json.stdout)")
                let prom = try root.dockstore(["check", "--format", "prometheus"])
                #expect(prom.stdout.contains("dockstore_status{mountpoint=\"\(root.mountpoint)\""), "\(prom.stdout)")
                #expect(!prom.stdout.contains("reason=\"ok\""), "\(prom.stdout)")
            }
        }
    }

}
