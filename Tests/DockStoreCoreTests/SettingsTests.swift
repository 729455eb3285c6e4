import Testing
@testable import DockStoreCore

/// /etc/sysconfig/dockstore: valid files, unknown keys, bad values, each refusal naming its line.
@Suite struct SettingsTests {
    @Test func readsEveryKey() throws {
        let text = """
            ## Type : string
            DOCKSTORE_IMAGE="/srv/docker.btrfs"
            DOCKSTORE_SIZE=200G
            DOCKSTORE_THICK=yes
            DOCKSTORE_DEVICE='vol-0abc1234def567890'
            DOCKSTORE_VOLUME_ID="vol-0abc1234def567890"
            DOCKSTORE_FS="xfs"
            DOCKSTORE_MOUNTPOINT="/var/lib/docker"
            DOCKSTORE_MOUNT_OPTIONS="noatime,compress=zstd:1"
            DOCKSTORE_BACKEND="overlay2"
            DOCKSTORE_BACKEND_OPTIONS="overlay2.override_kernel_check=true"
            DOCKSTORE_WAIT=30

            """
        let s = try ProvisionSettings.parse(text, path: "/etc/sysconfig/dockstore")
        #expect(s.image?.string == "/srv/docker.btrfs")
        #expect(s.size == 200 << 30)
        #expect(s.thick == true)
        #expect(s.device == .volume(EBSVolumeID("vol-0abc1234def567890")!))
        #expect(s.filesystem == .xfs)
        #expect(s.mountOptions == ["noatime", "compress=zstd:1"])
        #expect(s.backend == .overlay2)
        #expect(s.backendOptions == ["overlay2.override_kernel_check=true"])
        #expect(s.wait == 30)
    }

    @Test func theShippedTemplateIsValidAndEmpty() throws {
        #expect(try ProvisionSettings.parse(ProvisionSettings.template, path: "t") == ProvisionSettings())
    }

    @Test(arguments: [
        ("# c\nDOCKSTORE_SIZE=10Q\n", "line 2: DOCKSTORE_SIZE '10Q'"),
        ("DOCKSTORE_FORCE=yes\n", "line 1: unknown setting DOCKSTORE_FORCE"),
        ("DOCKSTORE_THICK=maybe\n", "line 1: DOCKSTORE_THICK 'maybe' is not yes or no"),
        ("DOCKSTORE_IMAGE=relative\n", "line 1: DOCKSTORE_IMAGE 'relative' is not an absolute path"),
        ("DOCKSTORE_DEVICE=sdf\n", "line 1: --device 'sdf'"),
        ("DOCKSTORE_FS=zfs\n", "line 1: DOCKSTORE_FS 'zfs'"),
        ("DOCKSTORE_IMAGE=\"$HOME/x\"\n", "line 1: DOCKSTORE_IMAGE uses shell expansion"),
        ("DOCKSTORE_BACKEND=btrfs\nDOCKSTORE_BACKEND_OPTIONS=\"overlay2.size=1G\"\n", "line 2: --storage-opt 'overlay2.size=1G': btrfs has no option"),
        ("DOCKSTORE_BACKEND_OPTIONS=\"btrfs.min_space=1G\"\n", "needs DOCKSTORE_BACKEND"),
        // Outside attack 12, B17: a value dockerd's btrfs driver does not parse (a comma list is one value).
        ("DOCKSTORE_BACKEND=btrfs\nDOCKSTORE_BACKEND_OPTIONS=\"btrfs.min_space=1G,btrfs.min_space=2G\"\n", "line 2: --storage-opt 'btrfs.min_space=1G,btrfs.min_space=2G': '1G,btrfs.min_space=2G' is not a size dockerd reads"),
        ("DOCKSTORE_BACKEND=btrfs\nDOCKSTORE_BACKEND_OPTIONS=\"btrfs.min_space=10E\"\n", "'10E' is not a size dockerd reads"),
        ("DOCKSTORE_MOUNT_OPTIONS=\"compress=zstd;reboot\"\n", "contains ';'"),
        ("DOCKSTORE_WAIT=-1\n", "DOCKSTORE_WAIT '-1'"),
        // Attack 29 F: placed where provision refuses them, named as the file gives them.
        ("# c\nDOCKSTORE_MOUNTPOINT=\"/etc\"\n", "line 2: DOCKSTORE_MOUNTPOINT /etc is inside /etc, a system folder"),
        ("DOCKSTORE_MOUNTPOINT=/var/lib/dockstore/d\n", "line 1: DOCKSTORE_MOUNTPOINT /var/lib/dockstore/d is inside /var/lib/dockstore"),
        ("DOCKSTORE_IMAGE=/etc/machine-id\n", "line 1: DOCKSTORE_IMAGE /etc/machine-id is inside /etc, a system folder"),
        ("DOCKSTORE_IMAGE=/var/tmp/s.btrfs\n", "line 1: DOCKSTORE_IMAGE /var/tmp/s.btrfs is inside /var/tmp"),
    ])
    func refusesNamingTheLine(_ text: String, _ fragment: String) {
        do {
            _ = try ProvisionSettings.parse(text, path: "/etc/sysconfig/dockstore")
            Issue.record("accepted \(text)")
        } catch let error as DockStoreError {
            #expect(error.kind == .usage)
            #expect(error.message.contains(fragment), "\(error.message)")
            #expect(error.message.hasPrefix("/etc/sysconfig/dockstore line") || fragment.contains("needs"), "\(error.message)")
        } catch { Issue.record("\(error)") }
    }

    /// Only dockstore reads the settings file, with the grammar of /etc/sysconfig/docker (outside
    /// attack on issue 15): blank lines, `#` comments and `NAME=value`; a command, a CR line
    /// end, a continuation or a tilde bash would expand is refused (exit 2) naming the line.
    @Test(arguments: [
        ("DOCKSTORE_SIZE=200M\r\n", 1, "carriage return"), ("# c\r\nDOCKSTORE_SIZE=200M\n", 1, "carriage return"),
        ("unset DOCKSTORE_SIZE\n", 1, "unset"), ("DOCKSTORE_SIZE=20G\nunset DOCKSTORE_SIZE\n", 2, "unset"),
        ("export DOCKSTORE_SIZE=20G\n", 1, "export"), ("DOCKSTORE_IMAGE=~/x.img\n", 1, "~"),
        ("DOCKSTORE_SIZE=20\\\nG\n", 1, "backslash"), ("; c\nDOCKSTORE_SIZE=20G\n", 1, ";"),
        ("DOCKSTORE_SIZE=20G; DOCKSTORE_THICK=yes\n", 1, "follows the value"),
    ])
    func refusesLinesOutsideTheGrammar(_ text: String, _ line: Int, _ fragment: String) {
        do {
            _ = try ProvisionSettings.parse(text, path: "/etc/sysconfig/dockstore")
            Issue.record("accepted \(text.debugDescription)")
        } catch let error as DockStoreError {
            #expect(error.kind == .refused)
            #expect(error.message.hasPrefix("/etc/sysconfig/dockstore line \(line) "), "\(error.message)")
            #expect(error.message.contains(fragment) && error.message.contains("re-run") && !error.message.contains("\n"), "\(error.message)")
        } catch { Issue.record("\(error)") }
    }
}
