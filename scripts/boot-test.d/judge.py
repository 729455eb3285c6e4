#!/usr/bin/env python3
"""boot-test judge (host side): reads the facts one boot recorded and prints its verdict.

    judge.py SCENARIO BOOTDIR BOOT CONTEXT-JSON   -> exit 0 pass, 1 fail
    judge.py race-rounds BOOTDIR BOOT '{}'        -> per-round verdicts; last line: failed rounds

BOOTDIR is /tmp/dockstore-boot.*/share/out/boot-N as the agent (lib.sh `facts`) wrote it.
"""
import json
import os
import re
import sys

MNT = "/var/lib/docker"
IMAGE = "/var/lib/docker-storage.btrfs"
MOUNT_UNIT = "var-lib-docker.mount"


class Boot:
    def __init__(self, path, n, ctx):
        self.path, self.n, self.ctx = path, n, ctx
        self.problems, self.notes = [], []

    def read(self, name, default=None):
        try:
            with open(os.path.join(self.path, name), errors="replace") as f:
                return f.read()
        except OSError:
            return default

    def line(self, name, default=""):
        text = self.read(name)
        return default if text is None else text.strip()

    def kv(self, name):
        out = {}
        for l in (self.read(name) or "").splitlines():
            if "=" in l:
                k, v = l.split("=", 1)
                out[k.strip()] = v.strip()
        return out

    def fail(self, why):
        self.problems.append(why)

    def expect(self, cond, why):
        if not cond:
            self.fail(why)
        return cond

    def int_of(self, name, sub=""):
        try:
            return int(self.line(os.path.join(sub, name) if sub else name))
        except ValueError:
            return None

    def dockstore_lines(self):
        """provision's own output in the journal (dockstore[PID]: ...)"""
        return [l for l in (self.read("journal") or "").splitlines() if re.search(r"\bdockstore\[\d+\]:", l)]

    def unit_lines(self):
        return [l for l in (self.read("journal") or "").splitlines() if "-- " not in l[:3]]


def finished(b):
    rc = b.line("nspawn.rc", "?")
    if not b.expect(os.path.exists(os.path.join(b.path, "done")),
                    f"the agent did not finish (nspawn exit {rc}{', timed out and killed' if rc == '124' else ''})"):
        return False
    if rc not in ("0", "133"):  # 133: poweroff seen by nspawn as SIGRTMIN+4 -> still clean
        b.notes.append(f"nspawn exit {rc}")
    return True


def system_clean(b, allow_degraded=False):
    # the console has systemd's messages from before journald started (the boot's first transaction)
    text = (b.read("journal-all") or "") + "\n" + re.sub(r"\x1b\[[0-9;]*m", "", b.read("console.log") or "")
    cycles = [l.strip() for l in text.splitlines() if "ordering cycle" in l.lower()]
    b.expect(not cycles, "systemd broke an ordering cycle: " + " | ".join(cycles[:3]))
    state = b.line("state", "?")
    failed = [l for l in b.line("failed").splitlines() if l.strip()]
    ok = ("running", "degraded") if allow_degraded else ("running",)
    b.expect(state in ok, f"is-system-running: {state}")
    if failed:
        (b.notes if allow_degraded else b.problems).append("failed units: " + "; ".join(" ".join(l.split()[:4]) for l in failed))


def provision_ok(b):
    p = b.kv("provision.show")
    b.expect(p.get("Result") == "success" and p.get("ExecMainStatus") == "0",
             f"dockstore-provision: Result={p.get('Result')} ExecMainStatus={p.get('ExecMainStatus')}")


def mountinfo_sources(b, sub=""):
    """(fstype, source) of every mount at MNT"""
    out = []
    for l in (b.read(os.path.join(sub, "mountinfo")) or "").splitlines():
        if " - " in l:
            rest = l.split(" - ", 1)[1].split()
            out.append((rest[0], rest[1] if len(rest) > 1 else "?"))
    return out


def one_mount(b, sub=""):
    m = b.int_of("mounts", sub)
    b.expect(m == 1, f"{m} mounts at {MNT}{' ' + sub if sub else ''}: {mountinfo_sources(b, sub)}")
    return m


def image_loops(b, want):
    loops = b.line("image-loops").split()
    b.expect(len(loops) == want, f"{len(loops)} loop devices backed by the image ({' '.join(loops) or 'none'}), expected {want}")


def docker_up(b):
    active, driver = b.line("docker-active"), b.line("docker-driver")
    b.expect(active == "active" and driver == "btrfs", f"docker: {active}, driver {driver[:60]!r}")


def fstab_lines(b, sub=""):
    return [l for l in (b.read(os.path.join(sub, "fstab")) or "").splitlines()
            if not l.lstrip().startswith("#") and len(l.split()) >= 2 and l.split()[1] == MNT]


def said(b, pattern, what):
    lines = b.dockstore_lines()
    said_ = [l.split(": ", 1)[-1] for l in lines if "warning:" not in l]
    b.expect(any(re.search(pattern, l) for l in lines),
             f"provision did not say {what!r} (it said: {' | '.join(said_) or 'nothing'})")


def temp_fsid(b):
    """kernel lines with temp-fsid in this boot's window that name a loop device over the image"""
    loops = [os.path.basename(x) for x in b.line("image-loops").split()]
    lines = [l for l in (b.read("host-dmesg") or "").splitlines() if "temp-fsid" in l]
    ours = [l for l in lines if any(re.search(rf"\b(/dev/)?{x}\b", l) for x in loops)]
    if len(lines) > len(ours):
        b.notes.append(f"{len(lines) - len(ours)} temp-fsid kernel lines of other loop devices in this boot's window")
    b.expect(not ours, "kernel: " + " | ".join(l.strip() for l in ours))


def image_store(b, first):
    system_clean(b)
    provision_ok(b)
    one_mount(b)
    image_loops(b, 1)
    b.expect(b.line("image-exists") == "yes", "the image file is missing")
    docker_up(b)
    b.expect(len(fstab_lines(b)) == 1, f"fstab lines for {MNT}: {fstab_lines(b)}")
    if first:
        said(b, r"ready", "Docker's storage is ready")
    else:
        said(b, r"nothing to do", "nothing to do")
    temp_fsid(b)


def judge_image(b):
    image_store(b, b.n == 1)


SKIPPED_MOUNT = r"(var-lib-docker\.mount|/var/lib/docker) was skipped because of (?:an unmet|a failed) condition check \(ConditionPathExists=/var/lib/docker-storage\.btrfs\)"


def judge_image_lost(b):
    """boot 2 starts without the image its fstab line names: systemd skips its mount of the line
    (the mount unit's drop-in holds it to the image being there), provision makes a new store
    and mounts it, and Docker still starts in that boot"""
    if b.n == 2:
        journal = b.read("journal-all") or ""
        b.expect(re.search(SKIPPED_MOUNT, journal),
                 "systemd did not skip its mount of the fstab line for the missing image (ConditionPathExists=)")
        b.expect("Dependency failed for docker.service" not in journal and "docker.service: Job docker.service/start failed" not in journal,
                 "docker.service failed its dependency on the store's mount")
    image_store(b, b.n <= 2)


def judge_image_foreign(b):
    """boot 2: the image is gone and another root's image store (its own mount namespace, the
    same file name) has a loop device on this kernel: systemd skips the mount, provision makes
    a new store, and nothing of the other store is mounted or seen here (attack 18, B-F2)"""
    if b.n == 1:
        image_store(b, True)
        return
    decoy = b.line("decoy-loop")
    b.expect(decoy.startswith("/dev/loop"), f"the other root's store was not set up: decoy-loop {decoy!r}, {b.line('decoy.show')!r}")
    if b.n == 3:
        judge_foreign_by_hand(b, decoy)
        return
    sources = [s for _, s in mountinfo_sources(b)]
    b.expect(decoy not in sources, f"{MNT} is mounted from {decoy}, the other root's store: {sources}")
    b.expect(b.line("decoy-marker-seen") == "no", f"the other root's file shows in {MNT}")
    journal = b.read("journal-all") or ""
    b.expect(re.search(SKIPPED_MOUNT, journal), "systemd did not skip its mount of the fstab line for the missing image (ConditionPathExists=)")
    system_clean(b)
    provision_ok(b)
    one_mount(b)
    # the store's new image and the other root's, both called /var/lib/docker-storage.btrfs
    loops = b.line("image-loops").split()
    b.expect(len(loops) == 2 and decoy in loops, f"loop devices named as the image: {loops}, the other root's {decoy}")
    b.expect(b.line("image-exists") == "yes", "provision made no new image")
    docker_up(b)
    said(b, r"ready", "Docker's storage is ready")


def judge_foreign_by_hand(b, decoy):
    """boot 3 of image-foreign (attack 20 F3): the image, the mount unit's condition and
    provision are gone; systemd's mount of the line, `mount -a` and `mount MNT` by hand all
    leave MNT empty, while a line with `loop` (the control) is handed the other root's device"""
    control = b.line("control-source")
    b.expect(control == decoy, f"the control (a line with `loop`) was not handed the other root's {decoy}: "
             f"{control!r}, {b.line('control.log')!r}: this boot does not reach the hazard")
    sources = [s for _, s in mountinfo_sources(b)]
    b.expect(not sources, f"{MNT} is mounted after boot (systemd's mount of the line): {sources}")
    after = b.line("after-mount-a")
    b.expect(after == "", f"{MNT} is mounted from {after} after mount -a by hand (the other root's is {decoy})")
    b.expect(b.line("decoy-marker-after-mount-a") == "no", f"the other root's file shows in {MNT} after mount -a")
    b.expect(b.line("docker-active") != "active", f"docker.service is active although the image is missing and provision is disabled (on {sources or 'nothing'})")
    line = fstab_lines(b)
    b.expect(len(line) == 1 and "loop" not in line[0].split()[3].split(","), f"the store's fstab line: {line}")


def judge_upgrade(b):
    """boot 2 starts without the image and with the older drop-in (RequiresMountsFor=): its
    requirement fails docker.service's start before provision runs; provision makes the store,
    rewrites the drop-in and starts Docker in that boot (attack 15, Y5)"""
    if b.n == 2:
        journal = b.read("journal-all") or ""
        b.expect(re.search(r"Failed to mount .*(var-lib-docker\.mount|/var/lib/docker)|var-lib-docker\.mount: (Mount process exited|Failed with result)", journal),
                 "systemd's mount of the fstab line did not fail: the boot did not start without the image")
        b.expect("Dependency failed for docker.service" in journal or "docker.service: Job docker.service/start failed" in journal,
                 "docker.service did not fail its dependency: the older drop-in was not in effect")
        b.expect("[start-docker]" in journal, "provision did not start docker.service")
    image_store(b, b.n <= 2)


def judge_device(b):
    dev, blank = b.ctx.get("device"), b.ctx.get("blank")
    system_clean(b)
    provision_ok(b)
    if one_mount(b) == 1:
        src = mountinfo_sources(b)[0][1]
        b.expect(src == dev, f"{MNT} is mounted from {src}, the store is {dev}")
    image_loops(b, 0)
    b.expect(b.line("image-exists") == "no", "an image file exists")
    docker_up(b)
    lines = fstab_lines(b)
    b.expect(len(lines) == 1 and lines[0].startswith("UUID="), f"fstab lines for {MNT}: {lines}")
    generated = "SourcePath=/etc/fstab" in (b.read("mount-unit") or "") or \
        "var-lib-docker.mount" in (b.read("generator-units") or "")
    if b.n == 1:
        said(b, r"ready", "Docker's storage is ready")
    elif generated:
        said(b, r"nothing to do", "nothing to do")
        b.expect(re.search(r"Mounted .*var-lib-docker\.mount|Mounted /var/lib/docker", b.read("journal-all") or ""),
                 "systemd's mount unit did not mount the store (no 'Mounted var-lib-docker.mount' in the journal)")
    else:
        # systemd-fstab-generator ignores fstab entries for block devices in a container:
        # no mount unit, so provision mounts the store by the settings' device name
        gen = [l for l in (b.read("fstab-generator") or "").splitlines() if "ignoring" in l]
        b.notes.append("no mount unit for the UUID= line: " + (gen[0] if gen else "the generator made none"))
        said(b, r"nothing to do|ready", "ready")
    if blank:
        bl = [l for l in (b.read("blkid") or "").splitlines() if l.startswith(blank + ":")]
        b.expect(not any("TYPE=" in l for l in bl), f"the blank device {blank} was formatted: {bl}")


def judge_device_stale(b):
    """the settings name a kernel name the blank device now has: it must stay blank"""
    if b.n == 1:
        judge_device(b)
        return
    dev, blank, named = b.ctx.get("device"), b.ctx.get("blank"), b.ctx.get("named")
    bl = [l for l in (b.read("blkid") or "").splitlines() if l.startswith(blank + ":")]
    b.expect(not any("TYPE=" in l for l in bl), f"the blank device {blank}, named by the stale settings, was formatted: {bl}")
    srcs = mountinfo_sources(b)
    b.expect(all(src != blank for _, src in srcs), f"{MNT} is mounted from the blank device {blank}")
    # the store is its UUID: provision follows the store fstab records, whatever the name says
    b.expect([s for _, s in srcs] == [dev], f"{MNT} should be mounted once from the store {dev}: {srcs}")
    system_clean(b)
    provision_ok(b)
    p = b.kv("provision.show")
    b.notes.append(f"settings name {named} (now {'the blank device' if named == blank else 'the store again' if named == dev else 'another device'}); store on {dev}; "
                   f"{MNT} mounted from {', '.join(s for _, s in srcs) or 'nothing'}; provision Result={p.get('Result')} "
                   f"status {p.get('ExecMainStatus')}; is-system-running {b.line('state')}")
    b.notes.append("provision said: " + (" | ".join(l.split(": ", 1)[-1] for l in b.dockstore_lines()
                                                  if "warning:" not in l) or "nothing"))


def sections(text):
    """{unit: {key: value}} of `systemctl show` blocks headed [unit]"""
    out, cur = {}, None
    for l in (text or "").splitlines():
        if l.startswith("[") and l.endswith("]"):
            cur = out.setdefault(l[1:-1], {})
        elif cur is not None and "=" in l:
            k, v = l.split("=", 1)
            cur[k] = v
    return out


def judge_cloud_init(b):
    """README's user data through a real cloud-init: provision runs after cloud-init's network
    stage has written the settings, so the first boot formats the device and makes no image
    (attack 14, Y-BOOT-4)"""
    dev = b.ctx.get("device")
    units = sections(b.read("cloud-init.show"))
    ci, prov = units.get("cloud-init.service", {}), units.get("dockstore-provision.service", {})
    b.expect(ci.get("Result") == "success" and ci.get("ExecMainStatus") == "0",
             f"cloud-init.service: Result={ci.get('Result')} ExecMainStatus={ci.get('ExecMainStatus')} ({b.line('cloud-init-status')[:200]})")
    b.expect(f'DOCKSTORE_DEVICE="{dev}"' in (b.read("sysconfig-dockstore") or ""),
             f"/etc/sysconfig/dockstore does not name {dev}: cloud-init's write_files did not write it ({(b.read('sysconfig-dockstore') or 'missing')[:120]!r})")
    if b.n == 1:
        try:
            ended, started = int(ci.get("ExecMainExitTimestampMonotonic", "0")), int(prov.get("ExecMainStartTimestampMonotonic", "0"))
        except ValueError:
            ended, started = 0, 0
        b.expect(ended > 0 and started >= ended,
                 f"dockstore-provision started at {started} µs, cloud-init.service ended at {ended} µs: provision did not wait for write_files")
        said(b, r"format", "format the device")
    judge_device(b)


def judge_docker_unit(b):
    """an admin's drop-in makes docker.service read /etc/default/docker: systemd's merge of the
    unit (the oracle) and dockstore's reading of the same files agree (attack 14, Y-READ-1/2)"""
    # one EnvironmentFiles= line per file (kv would keep the last one only)
    env = " ".join(l.split("=", 1)[1] for l in (b.read("docker-unit.show") or "").splitlines() if l.startswith("EnvironmentFiles="))
    systemd_reads = re.findall(r"(\S+) \(ignore_errors=(?:yes|no)\)", env)
    b.expect(systemd_reads[:1] == ["/etc/default/docker"] and len(systemd_reads) == 2
             and systemd_reads[1].startswith("/etc/default/docker-shell/"),
             f"systemd's EnvironmentFiles of docker.service: {env!r} (the scenario's drop-ins did not take effect as meant)")
    said(b, r"warning: docker\.service does not read /etc/sysconfig/docker as an EnvironmentFile= \(it reads /etc/default/docker",
         "docker.service does not read /etc/sysconfig/docker")
    # The oracle: the files dockstore says docker.service reads are the ones systemd merged.
    named = [m.group(1) for l in b.dockstore_lines()
             for m in [re.search(r"as an EnvironmentFile= \(it reads (.*)\), so the DOCKER_OPTS", l)] if m]
    dockstore_reads = re.findall(r"(/\S+) \(/[^)]*\)", named[0]) if named else None
    b.expect(dockstore_reads == systemd_reads,
             f"dockstore read docker.service's EnvironmentFiles as {dockstore_reads}, systemd as {systemd_reads}")
    status = b.read("dockstore-status") or ""
    b.expect("docker.service does not read /etc/sysconfig/docker" in status,
             f"dockstore status does not name it: {status[-300:]!r}")
    system_clean(b)
    provision_ok(b)
    one_mount(b)
    docker_up(b)


def on_the_volume(b):
    """a clean boot whose provision mounted the store once, from the volume, with no loop device over the image"""
    system_clean(b)
    provision_ok(b)
    if one_mount(b) == 1:
        src = mountinfo_sources(b)[0][1]
        b.expect(src == b.ctx.get("device"), f"{MNT} is mounted from {src}, the volume is {b.ctx.get('device')}")
    image_loops(b, 0)


def judge_migrate(b):
    f = b.kv("hook.facts")
    if b.n == 1:
        image_store(b, True)
        for k in ("import_rc", "run_rc", "commit_rc", "migrate_rc"):
            b.expect(f.get(k) == "0", f"{k}={f.get(k)}")
        b.expect(f.get("running_after") == "true", f"the container after the move: running={f.get('running_after')}")
        # The same run of the container before and after (never restarted), writing before and after the move.
        # Lines written during the move are not demanded: the kernel may hold the writer's appends for the whole of a
        # short move (replace's finishing commits), so they are noted, not judged.
        b.expect(f.get("started_before", "") != "" and f.get("started_before") == f.get("started_after"),
                 f"the container was restarted during the move: started {f.get('started_before')} before, "
                 f"{f.get('started_after')} after")
        try:
            before, after, later = (int(f.get(k, "0")) for k in ("lines_before", "lines_after", "lines_after_2s"))
            b.expect(0 < before <= after < later, f"the container's log lines: {before} before, {after} after, {later} 2 s later")
            b.notes.append(f"lines the container wrote during the move and the reads around it: {after - before} "
                           f"(migrate-ebs took {f.get('migrate_seconds')} s)")
        except ValueError:
            b.fail(f"the container's log lines: {f}")
        b.expect(f.get("image_exists_after") == "no", "the image file is still there after the move")
        lines = fstab_lines(b, "after-migrate")
        b.expect(len(lines) == 1 and lines[0].startswith("UUID="), f"fstab after the move: {lines}")
        one_mount(b, "after-migrate")
        ml = (b.read("migrate.log") or "").strip().splitlines()
        b.notes.append("migrate-ebs: " + (ml[-1] if ml else "no output"))
        if f.get("migrate_rc") != "0":
            b.notes.append("migrate-ebs said: " + " | ".join(ml[-8:]))
        return
    on_the_volume(b)
    if b.n == 2:
        b.expect(b.line("image-exists") == "no", "the image file is back")
        b.expect(len(f.get("other_btrfs", "")) == 36, f"the other btrfs for boot 3: {f.get('other_btrfs')}")
    else:
        # a btrfs file of another UUID at the image's name since boot 2: no store, left alone
        b.expect(f.get("other_btrfs_now") == f.get("other_btrfs_want") and f.get("other_btrfs_same") == "yes",
                 f"the other btrfs file at the image's name changed: {f.get('other_btrfs_want')} -> "
                 f"{f.get('other_btrfs_now')}, same bytes: {f.get('other_btrfs_same')}")
        b.expect(f"holds another btrfs ({f.get('other_btrfs_want')})" in (b.read("journal") or ""),
                 "provision did not warn about the other btrfs file at the image's name")
    lines = fstab_lines(b)
    b.expect(len(lines) == 1 and lines[0].startswith("UUID="), f"fstab lines for {MNT}: {lines}")
    docker_up(b)
    for k, want in (("has_image", "yes"), ("has_layer", "yes"), ("has_container", "yes"), ("start_rc", "0"),
                    ("running", "true"), ("marker", "boot-test")):
        b.expect(f.get(k) == want, f"{k}={f.get(k)}")
    try:
        b.expect(int(f.get("lines_b", 0)) > int(f.get("lines_a", 0)) > 0,
                 f"the container does not write: {f.get('lines_a')} then {f.get('lines_b')} lines")
        b.expect(int(f.get("lines_kept", 0)) > 0, "the container's log is gone")
    except ValueError:
        b.fail(f"the container's log lines: {f}")


def judge_migrate_crash(b):
    """attack 18, B-F1: migrate-ebs killed right after the kernel's replace; the boot after it
    must bring the store up from the volume (the image line in fstab meets a scratched image),
    and migrate-ebs must then finish the move"""
    f = b.kv("hook.facts")
    if b.n == 1:
        image_store(b, True)
        b.expect(f.get("import_rc") == "0", f"import_rc={f.get('import_rc')}")
        b.expect(f.get("migrate_rc") == "137", f"migrate-ebs was not killed at its failpoint: exit {f.get('migrate_rc')}: "
                 + " | ".join((b.read("migrate.log") or "").strip().splitlines()[-4:]))
        b.expect(f.get("image_blkid_rc") == "2", f"the image still holds a filesystem after the replace (blkid exit {f.get('image_blkid_rc')})")
        b.expect(f.get("journal_open") == "yes", "no migration journal after the kill")
        lines = fstab_lines(b, "after-kill")
        b.expect(len(lines) == 1 and not lines[0].startswith("UUID="), f"fstab after the kill: {lines}")
        return
    if b.n == 4:
        # the volume detached: provision refuses at once (no wait for a device fstab names by
        # UUID), Docker stays down, status asks the running systemd (B-F5)
        system_clean(b, allow_degraded=True)
        p = b.kv("provision.show")
        b.expect(p.get("ExecMainStatus") == "2", f"dockstore-provision without the volume: Result={p.get('Result')} ExecMainStatus={p.get('ExecMainStatus')}")
        said(b, r"attach the volume", "attach the volume")
        b.expect(b.int_of("mounts") == 0, f"{MNT} is mounted without the volume: {mountinfo_sources(b)}")
        b.expect(b.line("docker-active") != "active", "Docker runs without its store")
        row = next((l for l in (b.read("dockstore-status") or "").splitlines() if l.startswith("systemd:")), "")
        b.expect(MOUNT_UNIT in row and "does not run" not in row, f"status's systemd row: {row!r}")
        b.expect((b.int_of("seconds") or 0) < 40, f"the boot without the volume took {b.line('seconds')} s")
        return
    on_the_volume(b)
    docker_up(b)
    b.expect(f.get("data") and f.get("data") == f.get("want"), f"the volume's file: {f.get('data')!r}, written: {f.get('want')!r}")
    b.expect(f.get("has_image") == "yes", "the imported image is gone")
    lines = fstab_lines(b)
    b.expect(len(lines) == 1 and lines[0].startswith("UUID="), f"fstab lines for {MNT} after the boot's provision: {lines}")
    if b.n == 2:
        ml = (b.read("migrate.log") or "").strip().splitlines()
        b.expect(f.get("migrate_rc") == "0", f"migrate-ebs after the reboot: exit {f.get('migrate_rc')}: " + " | ".join(ml[-4:]))
        b.expect(f.get("data_after") == f.get("want"), "the file changed when migrate-ebs finished")
        b.expect(b.line("after-migrate/image-exists") == "no", "the image is still there after migrate-ebs finished")
        b.expect(f.get("journal_open") == "no", "the migration journal is still open after migrate-ebs finished")
        one_mount(b, "after-migrate")
    else:
        b.expect(b.line("image-exists") == "no", "the image file is back")


def judge_migrate_crash_add(b):
    """attack 19, N1: add + remove stopped after [add-device]; boot 2 has the volume under a new
    name and a blank volume under its old one: the store (image and volume) comes up, Docker
    starts with the data, migrate-ebs with the new name finishes, the blank volume stays blank"""
    f = b.kv("hook.facts")
    if b.n == 1:
        image_store(b, True)
        b.expect(f.get("migrate_rc") == "137", f"migrate-ebs was not killed at its failpoint: exit {f.get('migrate_rc')}: "
                 + " | ".join((b.read("migrate.log") or "").strip().splitlines()[-4:]))
        b.expect(f.get("journal_open") == "yes", "no migration journal after the kill")
        return
    b.expect(f.get("blank_blkid_rc") == "2" and f.get("blank_zero") == "yes",
             f"the blank volume under the old name was written: blkid exit {f.get('blank_blkid_rc')}, first MiB zeros: {f.get('blank_zero')}")
    b.expect(f.get("data") and f.get("data") == f.get("want"), f"the volume's file: {f.get('data')!r}, written: {f.get('want')!r}")
    b.expect(f.get("has_image") == "yes", "the imported image is gone")
    if b.n == 2:
        system_clean(b)
        provision_ok(b)
        one_mount(b)
        docker_up(b)
        ml = (b.read("migrate.log") or "").strip().splitlines()
        b.expect(f.get("migrate_rc") == "0", f"migrate-ebs with the volume's new name: exit {f.get('migrate_rc')}: " + " | ".join(ml[-4:]))
        b.expect(f.get("data_after") == f.get("want"), "the file changed when migrate-ebs finished")
        b.expect(b.line("after-migrate/image-exists") == "no", "the image is still there after migrate-ebs finished")
        b.expect(f.get("journal_open") == "no", "the migration journal is still open after migrate-ebs finished")
        return
    on_the_volume(b)
    docker_up(b)
    b.expect(b.line("image-exists") == "no", "the image file is back")


def judge_teardown(b):
    if b.n == 1:
        image_store(b, True)
        b.expect(b.line("teardown.rc") == "0", f"teardown exited {b.line('teardown.rc')}: {b.line('teardown.log')}")
        b.expect(b.int_of("mounts", "after-teardown") == 0, "the store is still mounted after teardown")
        b.expect(b.line("after-teardown/image-exists") == "no", "the image is still there after teardown")
        b.expect(not fstab_lines(b, "after-teardown"), f"fstab after teardown: {fstab_lines(b, 'after-teardown')}")
        return
    system_clean(b, allow_degraded=True)
    p = b.kv("provision.show")
    b.notes.append(f"is-system-running: {b.line('state')}; dockstore-provision: ActiveState={p.get('ActiveState')} "
                   f"Result={p.get('Result')} ExecMainStatus={p.get('ExecMainStatus')} ConditionResult={p.get('ConditionResult')}; "
                   f"docker: {b.line('docker-active')}")
    b.expect(b.int_of("mounts") == 0, f"after teardown and a reboot, {MNT} is mounted again: {mountinfo_sources(b)}")
    b.expect(b.line("image-exists") == "no", "after teardown and a reboot, the image exists again (provision re-created it)")
    # why the store is absent: provision's own words, or systemd's line for a skipped provision
    why = [l.split(": ", 1)[-1] for l in b.dockstore_lines()] + \
        [l.split(": ", 1)[-1] for l in (b.read("journal") or "").splitlines()
         if "dockstore-provision" in l and re.search(r"skipped|condition", l, re.I)]
    b.notes.append("what the boot said about the store: " + (" | ".join(why) if why else "nothing"))
    b.expect(why, "nothing in the journal says why Docker's storage is absent")


def judge_var_lib_link(b):
    """/var/lib a link: the store's mount unit is srv-varlib-docker.mount, and dockstore's
    drop-ins are that unit's (attack 33 T 15)"""
    f = b.kv("hook.facts")
    system_clean(b)
    provision_ok(b)
    b.expect(f.get("mounts") == "1", f"mounts at /srv/varlib/docker: {f.get('mounts')}")
    docker = b.line("docker-active"), b.line("docker-driver")
    b.expect(docker == ("active", "btrfs"), f"docker: {docker}")
    b.expect("/etc/systemd/system/srv-varlib-docker.mount.d/dockstore.conf" in f.get("unit_dropins", ""),
             f"srv-varlib-docker.mount's drop-ins: {f.get('unit_dropins')!r}")
    b.expect(f.get("docker_wants_unit") == "1" and f.get("docker_after_unit") == "1",
             f"docker.service wants / is after srv-varlib-docker.mount: {f.get('docker_wants_unit')} / {f.get('docker_after_unit')}")
    b.expect("not-found" not in f.get("status_systemd", ""), f"dockstore status: {f.get('status_systemd')}")
    if b.n == 3:
        b.expect(f.get("skipped") == "1", "systemd did not skip srv-varlib-docker.mount for the missing image (ConditionPathExists=)")
        b.expect(f.get("special_missing") == "0", "systemd's mount ran without the image (special device does not exist)")


def judge_var_lib_relink(b):
    """/var/lib a link moved from /srv/a to /srv/b under the mounted store (attack 33 V C10)"""
    f = b.kv("hook.facts")
    # Boot 2: the fstab line's image is not where the link leads now, and no drop-in of the new
    # unit holds its mount to the image yet: systemd's mount of the line fails (nofail) before
    # provision makes the store. That unit alone may have failed.
    system_clean(b, allow_degraded=b.n == 2)
    if b.n == 2:
        failed = [w for l in b.line("failed").splitlines() for w in l.split()[:2] if "." in w]
        b.expect(set(failed) <= {"srv-b-docker.mount"}, f"boot 2: failed units besides srv-b-docker.mount: {failed}")
    provision_ok(b)
    docker = b.line("docker-active"), b.line("docker-driver")
    b.expect(docker == ("active", "btrfs"), f"docker: {docker}")
    b.expect(f.get("image_a") == "yes", "the image at /srv/a is gone")
    if b.n == 1:
        b.expect(f.get("mounts_a") == "1" and f.get("unit_a_dropin") == "yes", f"boot 1: store at /srv/a/docker {f.get('mounts_a')}, its unit's drop-in {f.get('unit_a_dropin')}")
        b.expect(f.get("teardown_rc") == "2" and f.get("provision_rc") == "2",
                 f"with the link moved under the mounted store: teardown exit {f.get('teardown_rc')}, provision exit {f.get('provision_rc')} (2 expected): {b.line('teardown.log')[-200:]} | {b.line('provision-relinked.log')[-200:]}")
        b.expect(f.get("refusal") == "2", f"the refusals name the changed link: {f.get('refusal')} of 2")
        b.expect(f.get("unchanged") == "yes", "a refused teardown or provision changed files under /etc or /srv")
        b.expect(f.get("still_mounted") == "1" and f.get("docker_after") == "active",
                 f"after the refusals: store mounted {f.get('still_mounted')}, docker {f.get('docker_after')}")
        b.expect(f.get("status_says") == "1", "status did not say that provision refuses")
    else:
        b.expect(f.get("mounts_b") == "1" and f.get("mounts_a") == "0", f"boot {b.n}: mounts at /srv/b/docker {f.get('mounts_b')}, at /srv/a/docker {f.get('mounts_a')}")
        b.expect(f.get("image_b") == "yes", "no image at /srv/b")
        b.expect(f.get("unit_a_dropin") == "no", "the old unit's drop-in (srv-a-docker.mount.d) stayed")
        b.expect(f.get("unit_b_dropin") == "yes" and f.get("docker_wants_b") == "1",
                 f"srv-b-docker.mount's drop-in {f.get('unit_b_dropin')}, docker.service wants it {f.get('docker_wants_b')}")
        if b.n == 3:
            said(b, r"nothing to do", "nothing to do")


def judge_teardown_crash(b):
    """teardown killed after a configuration step (attack 33 T 7c), the boot after it, the
    teardown finished and the store provisioned again from the kept image"""
    f = b.kv("hook.facts")
    if b.n == 1:
        image_store(b, True)
    else:
        prev = b.ctx.get("previous_failpoint", "?")
        system_clean(b)
        b.expect(f.get("driver_error") == "0", f"after a teardown killed at {prev}: dockerd started on the bare folder with the btrfs driver (prerequisites for driver not satisfied)")
        b.expect(f.get("docker_result") != "exit-code", f"after a teardown killed at {prev}: docker.service failed")
        if prev == "drop-in":
            # Docker's configuration no longer selects btrfs: it starts on the bare folder, teardown's end state
            b.expect(b.line("docker-active") == "active" and b.line("docker-driver") not in ("btrfs", ""),
                     f"after a teardown killed at drop-in: docker {b.line('docker-active')}, driver {b.line('docker-driver')[:60]!r}")
        else:
            b.expect(f.get("bare_entries", "") == "", f"after a teardown killed at {prev}: the bare mountpoint holds {f.get('bare_entries')!r}")
            b.expect(b.line("docker-active") != "active", f"after a teardown killed at {prev}: Docker runs without its store")
        b.expect(f.get("finish_rc") == "0", f"teardown re-run after the kill at {prev}: exit {f.get('finish_rc')}: {b.line('finish.log')[-300:]}")
        if "provision_rc" in f:
            b.expect(f.get("provision_rc") == "0", f"provision after the finished teardown: exit {f.get('provision_rc')}: {b.line('provision.log')[-300:]}")
            b.expect(f.get("has_image") == "yes" and f.get("has_container") == "yes",
                     f"the kept image's store lost Docker's image or container (image {f.get('has_image')}, container {f.get('has_container')})")
    if "failpoint" in f:
        fp = f["failpoint"]
        b.expect(f.get("teardown_rc") == "137", f"teardown with the failpoint {fp}: exit {f.get('teardown_rc')} (not killed)")
        b.notes.append(f"teardown killed at {fp}: docker.service drop-in left {f.get('dropin_left')}, DOCKER_OPTS btrfs {f.get('opts_btrfs')}")
        if fp != "drop-in":
            b.expect(f.get("dropin_left") == "yes", f"teardown killed at {fp} had already removed docker.service's guard drop-in")


def judge_timer(b):
    image_store(b, b.n == 1)
    if not b.ctx.get("last"):
        return
    f = b.kv("hook.facts")
    b.expect(b.ctx.get("timer_enabled_by_install") == "enabled",
             f"scripts/install --enable left dockstore-check.timer {b.ctx.get('timer_enabled_by_install')}")
    b.expect(f.get("timer_enabled") == "enabled", f"dockstore-check.timer is {f.get('timer_enabled')} in the booted system")
    for t in ("reclaim", "scrub"):
        b.expect(b.ctx.get(f"{t}_timer_enabled_by_install") == "enabled",
                 f"scripts/install --enable left dockstore-{t}.timer {b.ctx.get(f'{t}_timer_enabled_by_install')}")
        b.expect(f.get(f"{t}_timer_enabled") == "enabled" and f.get(f"{t}_timer_active") == "active",
                 f"dockstore-{t}.timer is {f.get(f'{t}_timer_enabled')}/{f.get(f'{t}_timer_active')} in the booted system")
        b.expect(bool(f.get(f"{t}_timer_next")) and f.get(f"{t}_timer_next") != "n/a",
                 f"dockstore-{t}.timer has no next elapse: {f.get(f'{t}_timer_next')}")
        b.notes.append(f"dockstore-{t}.timer next: {f.get(f'{t}_timer_next')}")
    b.expect(f.get("textfile") == "yes", f"no textfile after {f.get('waited')} s: the timer did not run dockstore check")
    b.expect(f.get("verify_rc") == "0", "systemd-analyze verify: " + " | ".join(
        l for l in (b.read("verify") or "").splitlines() if not l.startswith("##"))[:600])
    # critical-chain prints only the slowest path to docker.service (here often through
    # basic.target), so the order is judged from --fuzz's chain, After= and the timestamps
    chain = b.read("critical-chain-fuzz") or ""
    b.expect("dockstore-provision.service" in chain and MOUNT_UNIT in chain,
             "critical-chain --fuzz=1min docker.service lacks " + " and ".join(
                 x for x in ("dockstore-provision.service", MOUNT_UNIT) if x not in chain))
    after = units(b, "after")
    b.expect({"dockstore-provision.service", MOUNT_UNIT} <= set(after.get("docker.service", {}).get("After", "").split()),
             "docker.service is not ordered after dockstore-provision.service and the mount")
    t = units(b, "timestamps")
    try:
        mount_up = int(t[MOUNT_UNIT]["ActiveEnterTimestampMonotonic"])
        prov_start = int(t["dockstore-provision.service"]["InactiveExitTimestampMonotonic"])
        prov_up = int(t["dockstore-provision.service"]["ActiveEnterTimestampMonotonic"])
        docker_start = int(t["docker.service"]["InactiveExitTimestampMonotonic"])
        if b.expect(0 < mount_up <= prov_start <= prov_up <= docker_start,
                    f"order: mount active at {mount_up}, provision started at {prov_start} and done at {prov_up}, "
                    f"docker started at {docker_start} (µs, 0: never)"):
            b.notes.append(f"mount active, then provision {prov_start - mount_up} µs later, docker "
                           f"{docker_start - prov_up} µs after provision")
    except (KeyError, ValueError) as e:
        b.fail(f"timestamps missing: {e}")
    plain = [l.strip() for l in (b.read("critical-chain") or "").splitlines() if "└─" in l or ".service" in l][:3]
    b.notes.append("critical-chain docker.service (plain): " + " ".join(plain))
    judge_maintenance(b, f)


PROMTOOL = "/usr/bin/promtool"  # where scripts/test installs it and the tests look for it


def prom_values(text):
    """{metric name: value} of a textfile's samples (labels dropped: one series per name here)"""
    out = {}
    for l in (text or "").splitlines():
        if l and not l.startswith("#"):
            name = l.split("{", 1)[0].split()[0]
            try:
                out[name] = float(l.rsplit(None, 1)[-1])
            except ValueError:
                out[name] = l
    return out


def json_of(b, name):
    try:
        return json.loads(b.read(name) or "")
    except ValueError:
        return None


def judge_maintenance(b, f):
    """the scrub and reclaim services started as their timers start them, and their results
    in the check metrics (the textfile and check --format json); see maintenance.sh"""
    started = int(f.get("maint_started") or 0)
    b.expect(started > 0, "the maintenance part of the hook did not run")
    for t in ("reclaim", "scrub"):
        b.expect(f.get(f"{t}_timer_triggers") == f"dockstore-{t}.service",
                 f"dockstore-{t}.timer triggers {f.get(f'{t}_timer_triggers')!r}, not dockstore-{t}.service")
        run = b.kv(f"{t}.show")
        if not b.expect(run.get("Result") == "success" and run.get("ExecMainStatus") == "0"
                        and int(run.get("ExecMainStartTimestampMonotonic") or 0) > 0,
                        f"dockstore-{t}.service: Result={run.get('Result')} ExecMainStatus={run.get('ExecMainStatus')} "
                        f"ExecMainCode={run.get('ExecMainCode')}; journal: " +
                        " | ".join(l for l in (b.read(f"{t}-journal") or "").splitlines()[-6:])):
            continue
        # the scheduling the process ran with, read from /proc while it ran
        sched = b.kv(f"{t}-sched")
        b.expect(sched.get("pid", "none").isdigit(), f"dockstore-{t}.service: its process was not seen running ({sched.get('pid')})")
        if sched.get("pid", "").isdigit():
            b.expect(sched.get("nice") == "19", f"dockstore-{t}.service ran with nice {sched.get('nice')}, not 19")
            b.expect(sched.get("policy") == "5", f"dockstore-{t}.service ran with scheduling policy {sched.get('policy')}, not SCHED_IDLE (5)")
            b.expect(sched.get("ionice", "").startswith("idle"), f"dockstore-{t}.service ran with I/O class {sched.get('ionice')!r}, not idle")
            b.notes.append(f"dockstore-{t}.service ran as {sched.get('comm')} (pid {sched.get('pid')}, {sched.get('state')} when read): "
                           f"nice {sched.get('nice')}, policy {sched.get('policy')}, ionice {sched.get('ionice')}")
    # the scrub: a finished scrub of this boot that found nothing
    scrub_lines = [l.split(": ", 1)[-1].strip() for l in (b.read("scrub-journal") or "").splitlines() if "btrfs[" in l]
    b.notes.append("scrub said: " + " | ".join(x for x in scrub_lines if re.search(r"Total to scrub|Rate|Error summary", x)))
    status = b.read("scrub.status") or ""
    b.expect(status.startswith("scrub status:1"), f"no scrub record /var/lib/btrfs/scrub.status.{f.get('maint_uuid')}: {status[:80]!r}")
    # the store before the reclaim: check warned about the unallocated space
    before = json_of(b, "check-before.json")
    if b.expect(before is not None, f"check --format json before the reclaim: {(b.read('check-before.err') or '')[:200]}"):
        figures = [r.get("figure") for r in before.get("reasons", [])]
        b.expect(before.get("state") == 1 and "unallocated" in figures,
                 f"the filled store should warn about unallocated space: state {before.get('state')}, reasons {figures} "
                 f"(fill: {f.get('maint_fill')})")
    record = json_of(b, "last-reclaim.json")
    if b.expect(record is not None, "dockstore-reclaim.service left no /var/lib/dockstore/last-reclaim.json"):
        # bytesRelocated counts only chunks that held data (-dusage above 0): real relocation
        b.expect(record.get("outcome") == "healthy" and record.get("chunksRelocated", 0) > 0
                 and record.get("bytesRelocated", 0) > 0
                 and record.get("unallocatedAfter", 0) > record.get("unallocatedBefore", 0),
                 f"the reclaim should bring the store back by relocating nearly empty chunks: {record}")
        b.expect(record.get("finished", 0) >= started, f"last-reclaim.json finished {record.get('finished')}, before the hook started ({started})")
        b.notes.append(f"reclaim: {record.get('outcome')}, {record.get('chunksRelocated')} chunks, "
                       f"unallocated {record.get('unallocatedBefore', 0) >> 20} -> {record.get('unallocatedAfter', 0) >> 20} MiB, "
                       f"{record.get('bytesRelocated', 0) >> 20} MiB charged; fill {f.get('maint_fill_seconds')} s: {f.get('maint_fill')}")
    # the metrics after both, from dockstore-check.service's textfile and from check --format json
    check = b.kv("check.show")
    b.expect(check.get("Result") == "success", f"dockstore-check.service: Result={check.get('Result')} ExecMainStatus={check.get('ExecMainStatus')}")
    prom_text = b.read("dockstore-after.prom")
    m = prom_values(prom_text)
    since = int(f.get("maint_check_from") or 0)
    if b.expect(m, "no textfile after dockstore-check.service ran"):
        b.expect(m.get("dockstore_last_run_timestamp_seconds", 0) >= since,
                 f"the textfile is from a check at {m.get('dockstore_last_run_timestamp_seconds')}, before the services ended ({since})")
        b.expect(m.get("dockstore_status") == 0 and m.get("dockstore_check_success") == 1,
                 f"after the reclaim the textfile says dockstore_status {m.get('dockstore_status')}, check_success {m.get('dockstore_check_success')}")
        if record:
            b.expect(m.get("dockstore_last_reclaim_timestamp_seconds") == record.get("finished")
                     and m.get("dockstore_last_reclaim_failed") == 0
                     and m.get("dockstore_last_reclaim_chunks_relocated") == record.get("chunksRelocated")
                     and m.get("dockstore_last_reclaim_bytes_relocated") == record.get("bytesRelocated"),
                     "the textfile's last reclaim differs from the service's record: " + ", ".join(
                         f"{k}={m.get(k)}" for k in m if k.startswith("dockstore_last_reclaim")) + f"; record {record}")
        b.expect(m.get("dockstore_last_scrub_timestamp_seconds", 0) >= started
                 and m.get("dockstore_last_scrub_errors") == 0 and m.get("dockstore_last_scrub_uncorrectable_errors") == 0,
                 "the textfile's last scrub is not this boot's clean scrub: " + ", ".join(
                     f"{k}={m.get(k)}" for k in m if k.startswith("dockstore_last_scrub")) + f" (hook started {started})")
        if os.access(PROMTOOL, os.X_OK):
            import subprocess
            lint = subprocess.run([PROMTOOL, "check", "metrics"], input=prom_text, capture_output=True, text=True)
            b.expect(lint.returncode == 0 and not lint.stdout.strip() and not lint.stderr.strip(),
                     f"promtool check metrics: exit {lint.returncode} {lint.stdout.strip()} {lint.stderr.strip()}"[:400])
            b.notes.append("promtool check metrics accepts the textfile")
        else:
            b.notes.append(f"no {PROMTOOL} on this host: the textfile was not linted")
    after = json_of(b, "check-after.json")
    if b.expect(after is not None, f"check --format json after the reclaim: {(b.read('check-after.err') or '')[:200]}"):
        maint = after.get("figures", {}).get("maintenance", {})
        last_reclaim, last_scrub = maint.get("lastReclaim") or {}, maint.get("lastScrub") or {}
        b.expect(after.get("state") == 0, f"check after the reclaim: state {after.get('state')}, "
                 f"{[r.get('message', '')[:120] for r in after.get('reasons', [])]}")
        b.expect(bool(record) and last_reclaim == record, f"check --format json's lastReclaim {last_reclaim} is not the service's record {record}")
        b.expect(last_scrub.get("state") == "finished" and last_scrub.get("started", 0) >= started
                 and last_scrub.get("errors") == 0 and last_scrub.get("uncorrectable") == 0
                 and last_scrub.get("bytesScrubbed", 0) >= 256 << 20,
                 f"check --format json's lastScrub is not this boot's clean scrub of the 256 MiB written: {last_scrub}")


def units(b, name):
    """systemctl show output of several units: {Id: {key: value}}"""
    out, cur = {}, {}
    for l in (b.read(name) or "").splitlines() + [""]:
        if not l.strip():
            if "Id" in cur:
                out[cur["Id"]] = cur
            cur = {}
        elif "=" in l:
            k, v = l.split("=", 1)
            cur[k] = v
    return out


def judge_race(b):
    image_store(b, True)
    b.expect(b.line("hook.rc") == "0", f"the race hook exited {b.line('hook.rc')}")


def race_rounds(b):
    bad = 0
    rows = [l.split("\t") for l in (b.read("rounds.tsv") or "").splitlines() if l.strip()]
    kinds = {"double mount": 0, "two loop devices": 0, "failed provision": 0, "not mounted": 0, "temp-fsid": 0}
    for r in rows:
        rnd, prc, mrc, mounts, loops, tf, delay, did = (r + ["-"] * 8)[:8]
        why = []
        if prc != "0":
            why.append(f"provision exit {prc}"); kinds["failed provision"] += 1
        if mounts.isdigit() and int(mounts) > 1:
            why.append(f"{mounts} mounts"); kinds["double mount"] += 1
        if mounts == "0":
            why.append("nothing mounted"); kinds["not mounted"] += 1
        if loops.isdigit() and int(loops) > 1:
            why.append(f"{loops} loop devices"); kinds["two loop devices"] += 1
        if tf.isdigit() and int(tf) > 0:
            why.append("kernel: temp-fsid"); kinds["temp-fsid"] += 1
        if why:
            bad += 1
        print(f"    round {rnd}: {'FAIL - ' + ', '.join(why) if why else 'pass'} "
              f"(provision {delay} ms later: {did}; mount unit exit {mrc})")
        if prc != "0":
            # what provision said in that round (rounds.log), so a failed CI run shows why
            said = [l for l in race_round_log(b, rnd) if l.startswith("provision: ")]
            for l in said[-3:]:
                print(f"      {l[:600]}")
    if not rows:
        print("    no rounds recorded")
        bad = -1
    print("    race: " + ", ".join(f"{k} {v}" for k, v in kinds.items()) + f"; {bad} of {len(rows)} rounds failed")
    print(bad if bad >= 0 else "no rounds")


def race_round_log(b, rnd):
    """The lines of rounds.log for round `rnd` (after its `== round N ` header)."""
    lines, inside = [], False
    for l in (b.read("rounds.log") or "").splitlines():
        if l.startswith("== round "):
            inside = l.startswith(f"== round {rnd} ")
            continue
        if inside:
            lines.append(l)
    return lines


def resolve_in(tree, path):
    """`path` inside `tree` with every link resolved inside it (an absolute target starts again
    at the tree's root, as dockstore's --root and a chroot read it)"""
    parts, done, hops = [c for c in path.split("/") if c], [], 0
    while parts:
        c = parts.pop(0)
        if c == "..":
            done = done[:-1]
            continue
        if c == ".":
            continue
        full = os.path.join(tree, *done, c)
        if os.path.islink(full) and hops < 40:
            hops += 1
            target = os.readlink(full)
            parts = [x for x in target.split("/") if x] + parts
            if target.startswith("/"):
                done = []
            continue
        done.append(c)
    return "/" + "/".join(done)


def unit_oracle(b):
    """one tree: docker.service as dockstore reads it (status --json, dockerService) against the
    dump of systemd 252's own loader (systemd --test --system --unit=docker.service)"""
    case, tree = b.ctx.get("case", "?"), os.path.join(b.path, "m")
    # the unit docker.service names: its own section, or the one it is an alias of
    # ("-> Unit other.service:" followed by "Alias: docker.service")
    sections, current = [], None
    for l in (b.read("systemd.dump") or "").splitlines():
        if l.startswith("-> Unit ") or l.startswith("\t-> Unit "):
            current = [l.strip()]
            sections.append(current)
        elif current is not None:
            current.append(l.strip(" \t\r\n"))  # not str.strip(): a no-break space is part of a path
    section = next((x[1:] for x in sections if x[0] == "-> Unit docker.service:" or "Alias: docker.service" in x), [])
    def values(key):
        return [l.split(": ", 1)[1] for l in section if l.startswith(key + ": ")]
    load = (values("Unit Load State") or ["?"])[0]
    try:
        mine = json.loads(b.read("dockstore.json") or "{}").get("dockerService") or {}
    except ValueError:
        mine = {}
        b.fail(f"dockstore status --json is no JSON: {(b.read('dockstore.err') or '').strip()[-200:]}")
    b.expect(section, f"systemd's dump has no docker.service: {(b.read('systemd.err') or '').strip()[-300:]}")
    b.notes.append(f"systemd: {load}, {len(values('DropIn Path'))} drop-in(s), EnvironmentFile {values('EnvironmentFile')}")
    if load in ("error", "not-found"):
        b.expect(mine.get("unloadable"), f"systemd cannot load it ({load}); dockstore: {mine}")
        return
    if load == "bad-setting":
        try:
            status = json.loads(b.read("dockstore.json") or "{}")
        except ValueError:
            status = {}
        said_ = [p for p in status.get("problems", []) + status.get("warnings", []) if "docker.service" in p]
        b.expect(said_, f"systemd refuses the unit ({load}); dockstore says nothing of it: {mine}")
        return
    if load == "masked":
        b.expect(mine.get("masked"), f"systemd: masked; dockstore: {mine}")
        return
    b.expect(load == "loaded" and not mine.get("unloadable") and not mine.get("masked"), f"systemd: {load}; dockstore: {mine}")
    frag = values("Fragment Path")
    b.expect(frag and mine.get("unitFile") and resolve_in(tree, frag[0]) == resolve_in(tree, mine["unitFile"]),
             f"unit file: systemd {frag}, dockstore {mine.get('unitFile')}")
    # systemd lists a drop-in linked to /dev/null, or a folder of that name, which masks the
    # same-named one further down and applies nothing; dockstore lists only what applies
    theirs = [r for r in (resolve_in(tree, p) for p in values("DropIn Path")) if os.path.isfile(os.path.join(tree, r.lstrip("/")))]
    ours = [resolve_in(tree, p) for p in mine.get("dropIns", [])]
    b.expect(theirs == ours, f"drop-ins: systemd {theirs}, dockstore {ours}")
    expanded = []
    for e in values("EnvironmentFile"):
        dash, path = ("-", e[1:]) if e.startswith("-") else ("", e)
        folder, name = path.rsplit("/", 1)
        if any(ch in name for ch in "*?[") and not any(ch in folder for ch in "*?["):
            import fnmatch
            real = os.path.join(tree, resolve_in(tree, folder).lstrip("/"))
            found = sorted(n for n in (os.listdir(real) if os.path.isdir(real) else [])
                           if fnmatch.fnmatchcase(n, name) and (not n.startswith(".") or name.startswith(".")))
            expanded += [dash + folder + "/" + n for n in found] or [e]
        else:
            expanded.append(e)
    b.expect(expanded == mine.get("environmentFiles"), f"EnvironmentFile: systemd {expanded}, dockstore {mine.get('environmentFiles')}")
    execs = sum(1 for l in section if l == "-> ExecStart:")
    b.expect(execs == len(mine.get("execStart", [])), f"ExecStart: systemd {execs}, dockstore {mine.get('execStart')}")


def main():
    scenario, path, n, ctx = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4] or "{}")
    b = Boot(path, n, ctx)
    if scenario == "race-rounds":
        race_rounds(b)
        return 0
    if scenario == "unit-oracle":
        unit_oracle(b)
        print(f"  unit-oracle {b.ctx.get('case')}: " + ("pass" if not b.problems else "FAIL - " + "; ".join(b.problems)))
        for note in b.notes:
            print(f"    note: {note}")
        return 0 if not b.problems else 1
    if finished(b):
        globals()["judge_" + scenario.replace("-", "_")](b)
    verdict = "pass" if not b.problems else "FAIL - " + "; ".join(b.problems)
    print(f"  {scenario} boot {n}: {verdict} ({b.line('seconds', '?')} s)")
    for note in b.notes:
        print(f"    note: {note}")
    if b.problems:
        for l in b.unit_lines()[-14:]:
            print(f"    | {l}")
    return 0 if not b.problems else 1


if __name__ == "__main__":
    sys.exit(main())
