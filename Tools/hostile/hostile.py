#!/usr/bin/env python3
"""Hostile-peer checks of `mm exchange`.

Starts `mm exchange` on a free port of 127.0.0.1 with a settings file of its own (sessions
EXCH <- MAKER, MAKER2 and one participant per check, file stores and logs in a work directory),
talks raw FIX 4.4 to it over TCP and checks how it copes with peers that misbehave. After every
case the process must still be running and a well-behaved session (Logon, NewOrderSingle ->
ExecutionReport, Logout) must still be served.

Usage:
    python3 Tools/hostile/hostile.py --mm PATH [--case NAME ...] [--quick] [--flood-orders N]
        [--work-dir DIR] [--max-time SECONDS] [--verbose]

Cases (by name or letter; all by default, in this order):
    a huge-heartbeat      Logon with HeartBtInt 768614337 and 2147483647
    b negative-heartbeat  Logon with HeartBtInt -1 and -10
    c first-message       Logout, Heartbeat, NewOrderSingle as a connection's first message
    d sending-time        Logon with SendingTime 10 minutes off
    e idle-connections    hundreds of connections that never log on
    f resend-zero         ResendRequest 7=0 16=0
    g flood               3,000 orders as fast as possible beside a quiet participant's round
                          trips, under FileStoreSync=always, interval and never
    h log-after-kill      the messages log after SIGKILL
    i execid-restart      ExecIDs and OrderIDs unique across a restart
    j auth                Username and Password (553/554) on Logon

One line per check, `PASS name: detail` or `FAIL name: detail`, then `N passed, N failed`.
Exit status: 0 when every check passed, 1 when any failed, 2 for usage errors, 3 when the run
overran --max-time.

Standard library only.
"""

import argparse
import atexit
import datetime
import errno
import math
import os
import re
import select
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback

# ----------------------------------------------------------------------------------------------
# Settings the checks depend on

# Per-session authentication keys of the settings file (the exchange reads the password from a
# file, or from an environment variable of its own process).
AUTH_USERNAME_KEY = "Username"
AUTH_PASSWORD_FILE_KEY = "PasswordFile"
AUTH_PASSWORD_ENV_KEY = "PasswordEnv"
# Texts the exchange must put in its Logout (58).
AUTH_REFUSAL_TEXT = "Invalid username or password"
NEGATIVE_HEARTBEAT_TEXT = "HeartBtInt must not be negative"
# The Text (58) of the ExecutionReports Canceled a restarted exchange sends for the orders it had.
RESTART_CANCEL_TEXT = "Canceled: the venue restarted"

HOST = "127.0.0.1"
EXCH = "EXCH"
BEGIN_STRING = "FIX.4.4"
# The exchange's own book for one instrument; every order is a buy of 1 lot at 1.00, far below
# anything offered, so it rests and is answered at once by an ExecutionReport (ExecType 0 New).
SYMBOL = "HOSTILE"
TICK_SIZE = "0.01"
LOT_SIZE = "1"
RESTING_PRICE = "1.00"

# The participants of the settings file: the two of Sessions/exchange.cfg and one per check.
PARTICIPANTS = ["MAKER", "MAKER2", "PROBE", "HUGEHB", "NEGHB", "SKEW", "RESEND", "IDLE",
                "FLOOD", "QUIET", "LOGKILL", "IDS", "IDS2"]
PROBE = "PROBE"

IO_TIMEOUT = 5.0            # any single wait for a message, a send or a close
START_TIMEOUT = 30.0        # for `mm exchange` to listen
STOP_TIMEOUT = 10.0         # for `mm exchange` to end after SIGTERM
SYNC_INTERVAL_MS = 10       # FileStoreSync for the "interval" flood

SOH = b"\x01"


class Closed(Exception):
    """The exchange closed the connection."""


class Unexpected(Exception):
    """The exchange answered something other than what a step needs."""


class StartFailure(Exception):
    """`mm exchange` did not start."""


def show(data, limit=400):
    """A message for people: SOH shown as '|', shortened to `limit` characters."""
    if isinstance(data, (bytes, bytearray)):
        data = bytes(data).decode("latin-1")
    text = data.replace("\x01", "|")
    return text if len(text) <= limit else text[:limit] + "..."


def utc_stamp(offset_seconds=0.0):
    """SendingTime: now in UTC (shifted by offset_seconds), YYYYMMDD-HH:MM:SS.sss."""
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return t.strftime("%Y%m%d-%H:%M:%S.") + "%03d" % (t.microsecond // 1000)


def encode(msg_type, sender, target, seq, body=(), sending_time=None, header=()):
    """A whole FIX 4.4 message with the right BodyLength (9) and CheckSum (10)."""
    fields = [("35", msg_type), ("49", sender), ("56", target), ("34", str(seq)),
              ("52", sending_time or utc_stamp())]
    fields += list(header) + list(body)
    payload = "".join("%s=%s\x01" % (tag, value) for tag, value in fields).encode("latin-1")
    message = b"8=" + BEGIN_STRING.encode() + b"\x019=%d\x01" % len(payload) + payload
    return message + b"10=%03d\x01" % (sum(message) % 256)


class Message:
    """A received message: its bytes and its fields in order."""

    def __init__(self, raw):
        self.raw = bytes(raw)
        self.fields = []
        for part in self.raw.rstrip(SOH).split(SOH):
            tag, _, value = part.partition(b"=")
            self.fields.append((tag.decode("latin-1"), value.decode("latin-1")))
        self.first = {}
        for tag, value in self.fields:
            self.first.setdefault(tag, value)

    def get(self, tag, default=None):
        return self.first.get(tag, default)

    @property
    def type(self):
        return self.get("35")

    @property
    def seq(self):
        value = self.get("34")
        return int(value) if value is not None and value.lstrip("-").isdigit() else None

    def __str__(self):
        return show(self.raw)


def describe(messages, limit=4):
    """`35=A 34=1, 35=5 34=2 58=...` for a list of messages."""
    if not messages:
        return "nothing"
    parts = []
    for m in messages[:limit]:
        text = "35=%s 34=%s" % (m.type, m.get("34"))
        if m.get("58") is not None:
            text += " 58=%r" % m.get("58")
        parts.append(text)
    if len(messages) > limit:
        parts.append("... (%d in all)" % len(messages))
    return ", ".join(parts)


def take_frame(buffer):
    """Takes one whole message off the front of `buffer` (a bytearray); None when none is whole.

    Framed by BodyLength; when that does not land on a CheckSum, by the next CheckSum field."""
    start = buffer.find(b"8=FIX")
    if start < 0:
        return None
    first = buffer.find(SOH, start)
    if first < 0:
        return None
    end = None
    if buffer.startswith(b"9=", first + 1):
        second = buffer.find(SOH, first + 1)
        if second < 0:
            return None
        length = bytes(buffer[first + 3:second])
        if length.isdigit():
            trailer = second + 1 + int(length)
            if len(buffer) < trailer + 3:
                return None
            if buffer.startswith(b"10=", trailer):
                close = buffer.find(SOH, trailer)
                if close < 0:
                    return None
                end = close + 1
    if end is None:
        match = re.search(rb"\x0110=[^\x01]*\x01", bytes(buffer[first:]))
        if match is None:
            return None
        end = first + match.end()
    raw = bytes(buffer[start:end])
    del buffer[:end]
    return Message(raw)


def readable(sock, timeout):
    """Whether `sock` has something to read (or has closed) within `timeout` seconds. poll(), not
    select(), so that descriptors above 1023 work too."""
    poller = select.poll()
    poller.register(sock, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(max(0, int(math.ceil(timeout * 1000)))))


# ----------------------------------------------------------------------------------------------
# A FIX peer over one TCP connection


class Peer:
    """One connection to the exchange as participant `sender`. Every wait is bounded."""

    def __init__(self, port, sender, verbose=False, timeout=IO_TIMEOUT):
        self.sender = sender
        self.verbose = verbose
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()
        self.eof = False
        self.next_out = 1
        self.received = []   # every message read, in order
        self.sent_seqs = []  # MsgSeqNums of what was sent

    def log(self, arrow, text):
        if self.verbose:
            print("      [%s] %s %s" % (self.sender, arrow, show(text, 300)), flush=True)

    def build(self, msg_type, body=(), seq=None, sending_time=None, header=()):
        if seq is None:
            seq = self.next_out
        self.next_out = seq + 1
        self.sent_seqs.append(seq)
        return encode(msg_type, self.sender, EXCH, seq, body, sending_time, header)

    def send(self, msg_type, body=(), seq=None, sending_time=None, header=()):
        data = self.build(msg_type, body, seq, sending_time, header)
        self.send_raw(data)
        return data

    def send_raw(self, data, timeout=IO_TIMEOUT):
        self.log(">", data)
        self.sock.settimeout(timeout)
        try:
            self.sock.sendall(data)
        except socket.timeout:
            raise Unexpected("could not send within %gs (the exchange is not reading)" % timeout)
        except OSError as error:
            self.eof = True
            raise Closed("connection closed by the exchange (send failed: %s)" % error)

    def _fill(self, deadline):
        """Reads what is there, waiting until deadline. False on timeout; Closed at EOF."""
        if self.eof:
            raise Closed("connection closed by the exchange")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        if not readable(self.sock, remaining):
            return False
        try:
            self.sock.settimeout(IO_TIMEOUT)
            data = self.sock.recv(262144)
        except socket.timeout:
            return False
        except OSError:
            data = b""
        if not data:
            self.eof = True
            raise Closed("connection closed by the exchange")
        self.buffer += data
        return True

    def read(self, timeout=IO_TIMEOUT):
        """The next message, or None after `timeout` seconds. Raises Closed."""
        deadline = time.monotonic() + timeout
        while True:
            message = take_frame(self.buffer)
            if message is not None:
                self.log("<", message.raw)
                self.received.append(message)
                return message
            if not self._fill(deadline):
                return None

    def expect(self, wanted, what, timeout=IO_TIMEOUT, answer_test_requests=True):
        """Reads until a message for which wanted(message) holds; returns it and the ones before.

        TestRequests are answered on the way. Raises Unexpected on timeout or close, naming what
        arrived instead."""
        deadline = time.monotonic() + timeout
        before = []
        while True:
            try:
                message = self.read(max(0.0, deadline - time.monotonic()))
            except Closed:
                raise Unexpected("expected %s, got %s and then a disconnect" % (what, describe(before)))
            if message is None:
                raise Unexpected("expected %s within %gs, got %s" % (what, timeout, describe(before)))
            if wanted(message):
                return message, before
            before.append(message)
            if answer_test_requests and message.type == "1":
                self.send("0", [("112", message.get("112", ""))])

    def wait_closed(self, timeout=IO_TIMEOUT):
        """Reads until the exchange closes the connection or timeout.

        Returns (closed, messages read, bytes left that make no whole message)."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            try:
                message = self.read(max(0.0, deadline - time.monotonic()))
            except Closed:
                return True, seen, bytes(self.buffer)
            if message is None:
                return False, seen, bytes(self.buffer)
            seen.append(message)

    def logon(self, reset=True, heartbeat=30, seq=None, sending_time=None, extra=()):
        body = [("98", "0"), ("108", str(heartbeat))]
        if reset:
            body.append(("141", "Y"))
        body += list(extra)
        if reset and seq is None:
            seq = 1
        return self.send("A", body, seq=seq, sending_time=sending_time)

    def logon_ok(self, **kwargs):
        """Logs on; returns the exchange's Logon. Raises Unexpected when it is not a Logon."""
        self.logon(**kwargs)
        answer, before = self.expect(lambda m: m.type in ("A", "5", "3"), "a Logon")
        if answer.type != "A":
            raise Unexpected("expected a Logon, got %s" % describe(before + [answer]))
        return answer

    def order(self, clordid, price=RESTING_PRICE, side="1", quantity="1"):
        self.send("D", order_body(clordid, price, side, quantity))

    def report_for(self, clordid, timeout=IO_TIMEOUT):
        """The ExecutionReport for `clordid` (other messages are skipped)."""
        report, _ = self.expect(lambda m: m.type == "8" and m.get("11") == clordid,
                                "an ExecutionReport for ClOrdID %s" % clordid, timeout)
        return report

    def barrier(self, name, timeout=IO_TIMEOUT):
        """Sends a TestRequest and reads up to its Heartbeat; returns the messages before it."""
        self.send("1", [("112", name)])
        _, before = self.expect(lambda m: m.type == "0" and m.get("112") == name,
                                "the Heartbeat answering TestRequest %s" % name, timeout)
        return before

    def logout(self, timeout=IO_TIMEOUT):
        """Logs out: the exchange's Logout, then its close. Raises Unexpected otherwise."""
        self.send("5")
        self.expect(lambda m: m.type == "5", "a Logout answering ours", timeout)
        closed, after, _ = self.wait_closed(timeout)
        if not closed:
            raise Unexpected("the exchange did not close the connection within %gs after the Logout"
                             % timeout)
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def order_body(clordid, price=RESTING_PRICE, side="1", quantity="1"):
    """A limit NewOrderSingle of `quantity` lots at `price`."""
    return [("11", clordid), ("21", "1"), ("38", quantity), ("40", "2"), ("44", price),
            ("54", side), ("55", SYMBOL), ("60", utc_stamp())]


# ----------------------------------------------------------------------------------------------
# The exchange process


PROCESSES = []  # every mm process started, killed at exit


def kill_all():
    for proc in PROCESSES:
        if proc.poll() is None:
            try:
                proc.kill()
                proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                pass


def with_parent_death_signal(command):
    """`command` run so that it gets SIGKILL when this script ends, however it ends (Linux's
    parent-death signal, set by util-linux's setpriv, when installed)."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL"] + command if setpriv else command


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Exchange:
    """`mm exchange` with a settings file of its own in `directory`."""

    def __init__(self, ctx, name, sync="always", participants=PARTICIPANTS, session_keys=None,
                 environment=None):
        self.ctx = ctx
        self.name = name
        self.directory = os.path.join(ctx.work_dir, name)
        shutil.rmtree(self.directory, ignore_errors=True)
        os.makedirs(self.directory)
        self.port = free_port()
        self.sync = sync
        self.config = os.path.join(self.directory, "exchange.cfg")
        self.environment = environment or {}
        self.proc = None
        self.runs = 0
        lines = [
            "# Written by Tools/hostile/hostile.py for one check: %s." % name,
            "[DEFAULT]",
            "ConnectionType=acceptor",
            "BeginString=FIX.4.4",
            "SenderCompID=%s" % EXCH,
            "SocketAcceptAddress=%s" % HOST,
            "SocketAcceptPort=%d" % self.port,
            "FileStorePath=store",
            "FileLogPath=log",
            "FileStoreSync=%s" % sync,
            "UseDataDictionary=Y",
        ]
        for target in participants:
            lines += ["", "[SESSION]", "TargetCompID=%s" % target]
            for key, value in (session_keys or {}).get(target, []):
                lines.append("%s=%s" % (key, value))
        with open(self.config, "w") as handle:
            handle.write("\n".join(lines) + "\n")

    @property
    def log_dir(self):
        return os.path.join(self.directory, "log")

    def messages_log(self, target):
        return os.path.join(self.log_dir, "%s-%s-%s.messages.log" % (BEGIN_STRING, EXCH, target))

    def start(self):
        """Starts the process and waits until it listens. Raises StartFailure."""
        self.runs += 1
        self.stdout_path = os.path.join(self.directory, "stdout.%d" % self.runs)
        self.stderr_path = os.path.join(self.directory, "stderr.%d" % self.runs)
        command = [self.ctx.mm, "exchange", "--config", self.config, "--symbol", SYMBOL,
                   "--tick-size", TICK_SIZE, "--lot-size", LOT_SIZE, "--status-interval", "3600"]
        env = dict(os.environ)
        env.update(self.environment)
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(with_parent_death_signal(command), stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL, cwd=self.directory, env=env)
        PROCESSES.append(self.proc)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if "listening on port" in self.stdout():
                return
            if self.proc.poll() is not None:
                raise StartFailure("mm exchange exited with status %d at start: %s"
                                   % (self.proc.returncode, self.stderr_tail() or "(no output)"))
            time.sleep(0.05)
        self.kill()
        raise StartFailure("mm exchange did not listen within %gs: %s"
                           % (START_TIMEOUT, self.stderr_tail() or "(no output)"))

    def stdout(self):
        with open(self.stdout_path, "r", errors="replace") as handle:
            return handle.read()

    def stderr_tail(self, lines=3):
        """What the process said last on standard error; for a crash, the crash's own lines."""
        try:
            with open(self.stderr_path, "r", errors="replace") as handle:
                text = [line.strip() for line in handle.read().splitlines() if line.strip()]
        except OSError:
            return ""
        crash = [line for line in text
                 if re.search(r"runtime failure|Fatal error|crashed|Segmentation|Illegal instruction", line)]
        return " / ".join((crash or text)[-lines:])

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def status_text(self):
        if self.proc is None:
            return "not started"
        code = self.proc.poll()
        if code is None:
            return "running"
        how = "killed by signal %d" % -code if code < 0 else "exited with status %d" % code
        tail = self.stderr_tail()
        return how + (": " + tail if tail else "")

    def fd_count(self):
        try:
            return len(os.listdir("/proc/%d/fd" % self.proc.pid))
        except OSError:
            return None

    def stop(self):
        """SIGTERM (the exchange logs out and flushes), then SIGKILL after STOP_TIMEOUT."""
        if not self.alive():
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            return None

    def kill(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait(5)


# ----------------------------------------------------------------------------------------------
# Results


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print("%s %s: %s" % ("PASS" if ok else "FAIL", name, detail), flush=True)
        return ok

    @staticmethod
    def note(name, detail):
        print("     %s: %s" % (name, detail), flush=True)


class Context:
    def __init__(self, args):
        self.args = args
        self.mm = args.mm
        self.verbose = args.verbose
        self.work_dir = args.work_dir
        self.results = Results()
        self.quick = args.quick
        self._shared = None
        self.nonce = "%x" % int(time.time() * 1000 % 0xFFFFFFFF)
        self.counter = 0

    def clordid(self, who):
        self.counter += 1
        return "%s-%s-%d" % (who, self.nonce, self.counter)

    def shared(self):
        """The exchange the single-connection cases share (started again if it has died)."""
        if self._shared is None or not self._shared.alive():
            runs = 1 if self._shared is None else self._shared.runs + 1
            self._shared = Exchange(self, "shared-%d" % runs)
            self._shared.start()
        return self._shared

    def peer(self, exchange, sender):
        return Peer(exchange.port, sender, self.verbose)

    def check(self, name, ok, detail):
        return self.results.check(name, ok, detail)

    def note(self, name, detail):
        self.results.note(name, detail)


def serve_check(ctx, exchange):
    """None when the exchange runs and serves a well-behaved session, else what went wrong."""
    if not exchange.alive():
        return "mm exchange is not running (%s)" % exchange.status_text()
    peer = None
    try:
        peer = ctx.peer(exchange, PROBE)
        peer.logon_ok(reset=True)
        clordid = ctx.clordid("probe")
        peer.order(clordid)
        report = peer.report_for(clordid)
        if report.get("150") not in ("0", "F"):
            return "the probe order got ExecType %s (%s), not New" % (report.get("150"), report.get("58"))
        peer.logout()
        return None if exchange.alive() else "mm exchange ended after the probe (%s)" % exchange.status_text()
    except (OSError, Closed, Unexpected) as error:
        return "the well-behaved session failed: %s" % error
    finally:
        if peer is not None:
            peer.close()


def after_case(ctx, case, exchange, what="alive and serving a well-behaved session"):
    problem = serve_check(ctx, exchange)
    ctx.check("%s: %s" % (case, what), problem is None,
              problem or "Logon, NewOrderSingle -> ExecutionReport, Logout on port %d" % exchange.port)


def refusal(messages, leftover, closed, text):
    """None when exactly one Logout with 58=text came before the close, else why not."""
    if not closed:
        return "no disconnect within %gs after %s" % (IO_TIMEOUT, describe(messages))
    if len(messages) != 1 or messages[0].type != "5" or messages[0].get("58") != text:
        return "expected only a Logout with 58=%r then a disconnect, got %s%s" % (
            text, describe(messages), " and incomplete data %s" % show(leftover) if leftover else "")
    if leftover:
        return "incomplete data after the Logout: %s" % show(leftover)
    return None


def silence(messages, leftover, closed):
    """None when the connection closed with nothing received, else what came."""
    if messages or leftover:
        return "expected a disconnect with nothing sent, got %s%s" % (
            describe(messages), " and incomplete data %s" % show(leftover) if leftover else "")
    if not closed:
        return "expected a disconnect, the connection was still open after %gs" % IO_TIMEOUT
    return None


# ----------------------------------------------------------------------------------------------
# The cases


def case_huge_heartbeat(ctx):
    """a. Logon with HeartBtInt 768614337 and 2147483647: the process must survive."""
    ex = ctx.shared()
    for interval in (768614337, 2147483647):
        name = "huge-heartbeat: HeartBtInt=%d" % interval
        peer = ctx.peer(ex, "HUGEHB")
        try:
            peer.logon(reset=True, heartbeat=interval)
            answer = peer.read(IO_TIMEOUT)
            if answer is None:
                ctx.check(name, False, "no answer to the Logon within %gs" % IO_TIMEOUT)
            elif answer.type == "A":
                # Let the session's timers run a while over a session with this interval.
                time.sleep(1.5)
                if not ex.alive():
                    ctx.check(name, False, "logged on (108=%s), then mm exchange ended: %s"
                              % (answer.get("108"), ex.status_text()))
                    return []
                peer.logout()
                ctx.check(name, ex.alive(), "logged on (108=%s), 1.5 s logged on, logged out; mm exchange %s"
                          % (answer.get("108"), ex.status_text()))
            elif answer.type == "5":
                closed, rest, _ = peer.wait_closed()
                ctx.check(name, ex.alive() and closed, "refused with a Logout (58=%r)%s; mm exchange %s" % (
                    answer.get("58"), ", then disconnected" if closed else " but the connection stayed open",
                    ex.status_text()))
            else:
                ctx.check(name, False, "expected a Logon, a Logout or a disconnect, got %s" % answer)
        except Closed:
            time.sleep(0.5)
            ctx.check(name, ex.alive(), "disconnected without a Logout; mm exchange %s" % ex.status_text())
        except Unexpected as error:
            time.sleep(0.5)
            ctx.check(name, False, "%s; mm exchange %s" % (error, ex.status_text()))
        finally:
            peer.close()
        if not ex.alive():
            break
    return [ex]


def case_negative_heartbeat(ctx):
    """b. Logon with a negative HeartBtInt: a Logout with its reason, then a disconnect."""
    ex = ctx.shared()
    for interval in (-1, -10):
        peer = ctx.peer(ex, "NEGHB")
        try:
            peer.logon(reset=True, heartbeat=interval)
            closed, messages, leftover = peer.wait_closed()
        finally:
            peer.close()
        problem = refusal(messages, leftover, closed, NEGATIVE_HEARTBEAT_TEXT)
        ctx.check("negative-heartbeat: HeartBtInt=%d" % interval, problem is None,
                  problem or "Logout 58=%r, then disconnected" % NEGATIVE_HEARTBEAT_TEXT)
    return [ex]


def case_first_message(ctx):
    """c. A connection whose first message is not a Logon is closed with nothing sent, and the
    participant's sequence numbers are left alone."""
    ex = ctx.shared()
    who = "MAKER2"
    # A known state: log on with ResetSeqNumFlag (both sides at 1) and log out cleanly.
    peer = ctx.peer(ex, who)
    try:
        peer.logon_ok(reset=True)
        peer.logout()
    finally:
        peer.close()
    next_out = peer.next_out                  # what MAKER2 sends next
    next_in = max(m.seq for m in peer.received if m.seq is not None) + 1  # what EXCH sends next
    hostile = [
        ("Logout", "5", []),
        ("Heartbeat", "0", []),
        ("NewOrderSingle", "D", order_body(ctx.clordid("first"))),
    ]
    for label, msg_type, body in hostile:
        peer = ctx.peer(ex, who)
        try:
            peer.send(msg_type, body, seq=next_out)
            closed, messages, leftover = peer.wait_closed()
        finally:
            peer.close()
        problem = silence(messages, leftover, closed)
        ctx.check("first-message: %s first (34=%d)" % (label, next_out), problem is None,
                  problem or "closed with nothing sent")
    # The store must be untouched: a Logon with the number MAKER2 would have used goes through,
    # and the exchange answers with the number it would have used.
    name = "first-message: %s logs on afterwards with 34=%d" % (who, next_out)
    peer = ctx.peer(ex, who)
    try:
        peer.logon(reset=False, seq=next_out)
        answer, before = peer.expect(lambda m: m.type in ("A", "5"), "a Logon")
        if answer.type != "A":
            ctx.check(name, False, "expected a Logon with 34=%d, got %s (the store moved?)"
                      % (next_in, describe(before + [answer])))
        else:
            extra = [m for m in before if m.type != "1"]
            ok = answer.seq == next_in and not extra
            ctx.check(name, ok, "Logon answered with 34=%s (expected %d)%s" % (
                answer.get("34"), next_in, "; before it: %s" % describe(extra) if extra else ""))
            peer.logout()
    except (Unexpected, Closed) as error:
        ctx.check(name, False, str(error))
    finally:
        peer.close()
    return [ex]


def case_sending_time(ctx):
    """d. Logon with SendingTime 10 minutes off: disconnected with nothing received."""
    ex = ctx.shared()
    for offset in (-600, 600):
        peer = ctx.peer(ex, "SKEW")
        try:
            peer.logon(reset=True, sending_time=utc_stamp(offset))
            closed, messages, leftover = peer.wait_closed()
        finally:
            peer.close()
        problem = silence(messages, leftover, closed)
        ctx.check("sending-time: Logon with SendingTime %+d s" % offset, problem is None,
                  problem or "closed with nothing sent")
    return [ex]


def open_idle(port, count, timeout, batch=100, pause=0.05):
    """Opens `count` connections, `batch` at a time (non-blocking connects, a pause between
    batches so that the listen backlog is not what refuses them). Returns ([(socket, when it
    connected)], refused or reset, not connected within `timeout` of their batch's start)."""
    connected = []
    refused = 0
    hanging = 0
    for first in range(0, count, batch):
        pending = {}
        for _ in range(min(batch, count - first)):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            code = s.connect_ex((HOST, port))
            if code in (0, errno.EINPROGRESS, errno.EAGAIN):
                pending[s.fileno()] = s
            else:
                refused += 1
                s.close()
        poller = select.poll()
        for fd in pending:
            poller.register(fd, select.POLLOUT)
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            for fd, _ in poller.poll(max(0, int((deadline - time.monotonic()) * 1000))):
                s = pending.pop(fd, None)
                if s is None:
                    continue
                poller.unregister(fd)
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                    connected.append((s, time.monotonic()))
                else:
                    refused += 1
                    s.close()
        hanging += len(pending)
        for s in pending.values():
            s.close()
        time.sleep(pause)
    return connected, refused, hanging


def case_idle_connections(ctx):
    """e. Connections that never log on are closed after a timeout or refused beyond a bound,
    the well-behaved session is served meanwhile, and the file descriptors come back."""
    ex = ctx.shared()
    count = 200 if ctx.quick else ctx.args.idle_connections
    wait = ctx.args.idle_wait
    baseline = ex.fd_count()
    started = time.monotonic()
    opened, refused, hanging = open_idle(ex.port, count, IO_TIMEOUT)
    sockets = [s for s, _ in opened]
    selector = selectors.DefaultSelector()
    close_times = []  # seconds from its connect to its close by the exchange, for each connection
    got_data = 0
    try:
        for s, connected_at in opened:
            selector.register(s, selectors.EVENT_READ, connected_at)
        peak = ex.fd_count()
        ctx.note("idle-connections", "%d connected in %.2f s, %d refused, %d not connected within %gs; "
                 "the exchange's open fds %s -> %s"
                 % (len(sockets), time.monotonic() - started, refused, hanging, IO_TIMEOUT, baseline, peak))

        problem = serve_check(ctx, ex)
        ctx.check("idle-connections: well-behaved session served with %d idle connections open" % len(sockets),
                  problem is None, problem or "Logon, NewOrderSingle -> ExecutionReport, Logout")

        open_sockets = set(sockets)
        deadline = started + wait
        while open_sockets and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=min(0.5, max(0.0, deadline - time.monotonic()))):
                s = key.fileobj
                try:
                    data = s.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if data:
                    got_data += 1
                    continue
                selector.unregister(s)
                open_sockets.discard(s)
                close_times.append(time.monotonic() - key.data)
        still_open = len(open_sockets)
        at_once = sum(1 for t in close_times if t < 1.0)
        later = sorted(t for t in close_times if t >= 1.0)
        ctx.check("idle-connections: closed or refused by the exchange", still_open == 0,
                  "of %d connections: %d refused at connect, %d not connected, %d closed within 1 s of "
                  "connecting, %d closed later%s; %d still open after %gs%s" % (
                      count, refused, hanging, at_once, len(later),
                      " (%.1f to %.1f s)" % (later[0], later[-1]) if later else "", still_open, wait,
                      "; data came on %d of them" % got_data if got_data else ""))
        after_server = ex.fd_count()
    finally:
        for s in sockets:
            try:
                s.close()
            except OSError:
                pass
        selector.close()
    # The exchange's descriptors back to where they were (with a moment to see our closes).
    deadline = time.monotonic() + 10
    now_fds = ex.fd_count()
    while now_fds is not None and baseline is not None and now_fds > baseline + 4 and time.monotonic() < deadline:
        time.sleep(0.2)
        now_fds = ex.fd_count()
    ok = now_fds is not None and baseline is not None and now_fds <= baseline + 4
    ctx.check("idle-connections: the exchange's open fds back down", ok,
              "before %s, with the connections open %s, after the exchange's closes %s, after ours %s"
              % (baseline, peak, after_server, now_fds))
    return [ex]


def case_resend_zero(ctx):
    """f. ResendRequest 7=0 16=0 after logon: nothing may come back with MsgSeqNum 0."""
    ex = ctx.shared()
    peer = ctx.peer(ex, "RESEND")
    name = "resend-zero: no message with 34=0"
    try:
        peer.logon_ok(reset=True)
        for _ in range(2):
            clordid = ctx.clordid("resend")
            peer.order(clordid)
            peer.report_for(clordid)
        mark = len(peer.received)
        peer.send("2", [("7", "0"), ("16", "0")])
        closed = False
        try:
            peer.barrier("after-resend")
        except Unexpected as error:
            closed = peer.eof
            ctx.note("resend-zero", "no Heartbeat to the TestRequest after the ResendRequest: %s" % error)
        answers = peer.received[mark:]
        bad = [m for m in answers if m.seq is None or m.seq <= 0]
        ctx.check(name, not bad, "%s came back: %s%s" % (
            len(bad) and "messages with 34=0 or none" or "nothing with 34=0", describe(bad or answers, 8),
            "; the exchange then disconnected" if closed else ""))
        if not peer.eof:
            peer.logout()
    except (Unexpected, Closed) as error:
        ctx.check(name, False, str(error))
    finally:
        peer.close()
    return [ex]


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, int(math.ceil(p / 100.0 * len(sorted_values))))
    return sorted_values[min(rank, len(sorted_values)) - 1]


class FloodReader(threading.Thread):
    """Reads the flooder's socket and counts ExecutionReports (and refusals) as they come."""

    def __init__(self, sock, expected, deadline):
        super().__init__(daemon=True)
        self.sock = sock
        self.expected = expected
        self.deadline = deadline
        self.reports = 0
        self.others = {}
        self.first_at = None
        self.last_at = None
        self.closed = False
        self.buffer = bytearray()
        self.done = threading.Event()

    def run(self):
        buffer = self.buffer
        try:
            while self.reports < self.expected and time.monotonic() < self.deadline:
                if not readable(self.sock, 0.2):
                    continue
                try:
                    data = self.sock.recv(1 << 20)
                except (BlockingIOError, InterruptedError, socket.timeout):
                    continue
                except OSError:
                    data = b""
                if not data:
                    self.closed = True
                    break
                buffer += data
                while True:
                    message = take_frame(buffer)
                    if message is None:
                        break
                    if message.type == "8":
                        self.reports += 1
                        now = time.monotonic()
                        if self.first_at is None:
                            self.first_at = now
                        self.last_at = now
                    else:
                        self.others[message.type] = self.others.get(message.type, 0) + 1
        finally:
            self.done.set()


def flood_once(ctx, sync, orders, round_trips):
    """One flood run under FileStoreSync=sync; returns the figures (or raises)."""
    label = "flood[%s]" % sync
    sync_value = str(SYNC_INTERVAL_MS) if sync == "interval" else sync
    ex = Exchange(ctx, "flood-%s" % sync, sync=sync_value)
    ex.start()
    flooder = quiet = None
    try:
        flooder = ctx.peer(ex, "FLOOD")
        quiet = ctx.peer(ex, "QUIET")
        flooder.logon_ok(reset=True)
        quiet.logon_ok(reset=True)
        for _ in range(5):  # warm up
            clordid = ctx.clordid("quiet")
            quiet.order(clordid)
            quiet.report_for(clordid)

        stamp = utc_stamp()
        payload = b"".join(
            flooder.build("D", [("11", "F%s-%d" % (ctx.nonce, i)), ("21", "1"), ("38", "1"), ("40", "2"),
                                ("44", RESTING_PRICE), ("54", "1"), ("55", SYMBOL), ("60", stamp)],
                          sending_time=stamp)
            for i in range(orders))
        flood_timeout = max(60.0, orders / 100.0)
        started = time.monotonic()
        reader = FloodReader(flooder.sock, orders, started + flood_timeout)
        sender_error = []
        sent_at = []

        def send_all():
            try:
                flooder.sock.settimeout(flood_timeout)
                view = memoryview(payload)
                for offset in range(0, len(view), 65536):
                    flooder.sock.sendall(view[offset:offset + 65536])
                sent_at.append(time.monotonic())
            except OSError as error:
                sender_error.append(error)

        sender = threading.Thread(target=send_all, daemon=True)
        reader.start()
        sender.start()

        rtts = []
        during = []  # the round trips that started before the flood was answered
        unanswered = None
        rtt_deadline = started + flood_timeout
        while time.monotonic() < rtt_deadline:
            flood_over = reader.done.is_set()
            if flood_over and len(rtts) >= round_trips:
                break
            clordid = ctx.clordid("quiet")
            t0 = time.monotonic()
            quiet.order(clordid)
            try:
                quiet.report_for(clordid, timeout=30.0)
            except Unexpected as error:
                unanswered = str(error)
                break
            rtts.append((time.monotonic() - t0) * 1000.0)
            if not flood_over:
                during.append(rtts[-1])
        reader.join(max(0.0, started + flood_timeout - time.monotonic()) + 1)
        sender.join(5)
        flooder.buffer = reader.buffer + flooder.buffer  # what came after the last report

        if reader.last_at is not None:
            flood_seconds = reader.last_at - started
        else:
            flood_seconds = time.monotonic() - started
        throughput = reader.reports / flood_seconds if flood_seconds > 0 else 0.0
        ordered = sorted(rtts)
        figures = {
            "sync": sync if sync != "interval" else "%s (%s ms)" % (sync, sync_value),
            "orders": orders, "reports": reader.reports, "seconds": flood_seconds,
            "throughput": throughput, "rtts": len(rtts), "during": len(during),
            "during_max": max(during) if during else float("nan"),
            "p50": percentile(ordered, 50), "p90": percentile(ordered, 90),
            "p99": percentile(ordered, 99), "max": ordered[-1] if ordered else float("nan"),
        }
        ctx.check("%s: the flooder got an ExecutionReport for each of its %d orders" % (label, orders),
                  reader.reports == orders and not sender_error,
                  "%d of %d in %.2f s%s%s%s" % (
                      reader.reports, orders, flood_seconds,
                      "; other messages: %s" % reader.others if reader.others else "",
                      "; the exchange closed the connection" if reader.closed else "",
                      "; send failed: %s" % sender_error[0] if sender_error else ""))
        ctx.check("%s: every quiet order answered" % label, unanswered is None and len(rtts) >= round_trips,
                  unanswered or "%d round trips (%d wanted), %d of them during the flood"
                  % (len(rtts), round_trips, len(during)))
        ctx.note(label, "quiet round trip ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f (%d round trips; %d "
                 "during the flood, the longest %.2f); flood: %d reports in %.2f s = %.0f reports/s"
                 % (figures["p50"], figures["p90"], figures["p99"], figures["max"], len(rtts), len(during),
                    figures["during_max"], reader.reports, flood_seconds, throughput))
        if sync == "always":
            p99_limit, max_limit = ctx.args.rtt_p99_limit, ctx.args.rtt_max_limit
            ok = bool(ordered) and figures["p99"] < p99_limit and figures["max"] < max_limit
            ctx.check("%s: quiet round trip p99 < %g ms and max < %g ms" % (label, p99_limit, max_limit), ok,
                      "p99 %.2f ms, max %.2f ms over %d round trips" % (figures["p99"], figures["max"], len(rtts)))
        for peer in (flooder, quiet):
            try:
                peer.logout(timeout=max(IO_TIMEOUT, 15.0))
            except (Unexpected, Closed) as error:
                ctx.note(label, "%s did not log out cleanly: %s" % (peer.sender, error))
        after_case(ctx, label, ex)
        return figures
    finally:
        for peer in (flooder, quiet):
            if peer is not None:
                peer.close()
        ex.stop()


def case_flood(ctx):
    """g. A flood of orders beside a quiet participant timing its round trips."""
    orders = ctx.args.flood_orders or (1000 if ctx.quick else 3000)
    round_trips = 100 if ctx.quick else 200
    table = []
    for sync in ctx.args.sync:
        try:
            table.append(flood_once(ctx, sync, orders, round_trips))
        except (StartFailure, Unexpected, Closed, OSError) as error:
            ctx.check("flood[%s]: run" % sync, False, str(error))
    if table:
        print("     flood: %d orders; quiet round trip in ms; flood throughput in ExecutionReports/s" % orders)
        print("     %-16s %8s %8s %8s %8s %6s %7s %12s"
              % ("FileStoreSync", "p50", "p90", "p99", "max", "n", "during", "reports/s"))
        for f in table:
            print("     %-16s %8.2f %8.2f %8.2f %8.2f %6d %7d %12.0f"
                  % (f["sync"], f["p50"], f["p90"], f["p99"], f["max"], f["rtts"], f["during"], f["throughput"]),
                  flush=True)
    return []


def ranges(numbers, limit=8):
    """`3-7, 12` for a sorted list of numbers."""
    out = []
    for n in numbers:
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    text = ", ".join("%d" % a if a == b else "%d-%d" % (a, b) for a, b in out[:limit])
    return text + (", ..." if len(out) > limit else "")


def read_messages_log(path):
    """The messages of a messages log: `TIMESTAMP : MESSAGE` a line."""
    with open(path, "rb") as handle:
        data = handle.read()
    messages = []
    for line in data.split(b"\n"):
        _, sep, message = line.partition(b" : ")
        if sep and message.startswith(b"8="):
            messages.append(Message(message))
    return messages


def case_log_after_kill(ctx):
    """h. Every message exchanged before a SIGKILL is in the messages log."""
    count = 300 if ctx.quick else ctx.args.kill_orders
    who = "LOGKILL"
    ex = Exchange(ctx, "log-after-kill")
    ex.start()
    peer = ctx.peer(ex, who)
    ctx_received = peer.received
    try:
        peer.logon_ok(reset=True)
        stamp = utc_stamp()
        payload = b"".join(peer.build("D", [("11", "K%s-%d" % (ctx.nonce, i)), ("21", "1"), ("38", "1"),
                                            ("40", "2"), ("44", RESTING_PRICE), ("54", "1"), ("55", SYMBOL),
                                            ("60", stamp)], sending_time=stamp)
                           for i in range(count))
        peer.send_raw(payload, timeout=30)
        reports = 0
        deadline = time.monotonic() + max(30.0, count / 50.0)
        while reports < count:
            message = peer.read(max(0.0, deadline - time.monotonic()))
            if message is None:
                raise Unexpected("%d of %d ExecutionReports within the time allowed" % (reports, count))
            if message.type == "8":
                reports += 1
        ex.kill()
    finally:
        peer.close()
        ex.kill()
    path = ex.messages_log(who)
    name = "log-after-kill: every message of the session is in %s" % os.path.basename(path)
    try:
        logged = read_messages_log(path)
    except OSError as error:
        ctx.check(name, False, "cannot read the log: %s" % error)
        logged = None
    if logged is not None:
        logged_out = {m.seq for m in logged if m.get("49") == EXCH and m.get("56") == who}
        logged_in = {m.seq for m in logged if m.get("49") == who and m.get("56") == EXCH}
        received = sorted({m.seq for m in peer.received})
        sent = sorted(set(peer.sent_seqs))
        missing_out = [n for n in received if n not in logged_out]
        missing_in = [n for n in sent if n not in logged_in]
        detail = "of the %d messages the exchange sent, %d logged; of the %d it received, %d logged" % (
            len(received), len(received) - len(missing_out), len(sent), len(sent) - len(missing_in))
        if missing_out:
            detail += "; missing sent 34=%s" % ranges(missing_out)
        if missing_in:
            detail += "; missing received 34=%s" % ranges(missing_in)
        ctx.check(name, not missing_out and not missing_in, detail)

    # The store survives the kill: restarted, the session goes on with the next numbers.
    next_seq = max(peer.sent_seqs) + 1
    ex.start()
    peer = ctx.peer(ex, who)
    name = "log-after-kill: restarted on the same store, %s logs on with 34=%d" % (who, next_seq)
    try:
        answer = peer.logon_ok(reset=False, seq=next_seq)
        last = max(m.seq for m in ctx_received) if ctx_received else 0
        ctx.check(name, True, "Logon answered with 34=%s (the last message before the kill had 34=%d)"
                  % (answer.get("34"), last))
        peer.logout()
    except (Unexpected, Closed) as error:
        ctx.check(name, False, str(error))
    finally:
        peer.close()
    return [ex]


def case_execid_restart(ctx):
    """i. ExecIDs (17) and OrderIDs (37) do not repeat across a restart on the same store."""
    count = 10 if ctx.quick else 40
    ex = Exchange(ctx, "execid-restart")
    ex.start()
    seqs = {"IDS": 1, "IDS2": 1}
    runs = []
    for run in (1, 2):
        if run == 2:
            status = ex.stop()
            ctx.note("execid-restart", "stopped with SIGTERM (status %s), starting again on the same store" % status)
            ex.start()
        buyer = ctx.peer(ex, "IDS")
        seller = ctx.peer(ex, "IDS2")
        reports = []
        try:
            for peer in (buyer, seller):
                peer.next_out = seqs[peer.sender]
                if run == 1:
                    peer.logon_ok(reset=True)
                else:
                    peer.logon_ok(reset=False)
            for _ in range(count):
                buyer.order(ctx.clordid("ids"))
            buyer.barrier("run%d-buys" % run)
            for _ in range(count // 2):
                seller.order(ctx.clordid("ids2"), side="2")
            seller.barrier("run%d-sells" % run)
            buyer.barrier("run%d-fills" % run)
            for peer in (buyer, seller):
                reports += [m for m in peer.received if m.type == "8"]
                peer.logout()
                seqs[peer.sender] = peer.next_out
        except (Unexpected, Closed) as error:
            ctx.check("execid-restart: run %d" % run, False, str(error))
            ex.stop()
            return [ex] if ex.alive() else []
        finally:
            buyer.close()
            seller.close()
        fills = sum(1 for m in reports if m.get("150") == "F")
        ctx.note("execid-restart", "run %d: %d ExecutionReports (%d fills)" % (run, len(reports), fills))
        runs.append(reports)
    first, second = runs
    exec_ids = [m.get("17") for m in first + second]
    seen = set()
    repeated = []
    for value in exec_ids:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    ok = bool(first) and bool(second) and not repeated
    ctx.check("execid-restart: no ExecID repeats across the restart", ok,
              "%d ExecIDs, %s" % (len(exec_ids), "repeated: %s%s" % (", ".join(repeated[:8]),
                                                                    " ..." if len(repeated) > 8 else "")
                                  if repeated else "all distinct"))
    # The orders still resting when the first run stopped are reported canceled by the restart,
    # under their OrderIDs, to the buyer at its next logon; every other OrderID is new.
    restarted = [m for m in second if m.get("58") == RESTART_CANCEL_TEXT]
    first_ids = {m.get("37") for m in first} - {"NONE", None}
    second_ids = {m.get("37") for m in second if m not in restarted} - {"NONE", None}
    both = sorted(first_ids & second_ids, key=lambda v: (len(v), v))
    ctx.check("execid-restart: no OrderID of the first run comes again in the second",
              bool(first_ids) and bool(second_ids) and not both,
              "%d and %d OrderIDs, %s" % (len(first_ids), len(second_ids),
                                          "in both: %s%s" % (", ".join(both[:8]), " ..." if len(both) > 8 else "")
                                          if both else "none in both"))
    resting = ({m.get("37") for m in first if m.get("150") == "0" and m.get("54") == "1"}
               - {m.get("37") for m in first if m.get("39") == "2"})
    canceled = {m.get("37") for m in restarted if m.get("150") == "4" and m.get("39") == "4"}
    ctx.check("execid-restart: each order resting at the stop is reported canceled by the restart",
              bool(resting) and canceled == resting and len(restarted) == len(resting),
              "%d resting, %d reports %r: %s" % (len(resting), len(restarted), RESTART_CANCEL_TEXT,
                                                ", ".join(sorted(canceled, key=lambda v: (len(v), v))[:8])))
    return [ex]


def case_auth(ctx):
    """j. Logon authentication with Username (553) and Password (554)."""
    user, password = "hostile-user", "Pw-%s-secret" % ctx.nonce
    env_user, env_password = "hostile-env-user", "EnvPw-%s-secret" % ctx.nonce
    wrong = "Wrong-%s-pass" % ctx.nonce
    env_name = "HOSTILE_AUTH_PASSWORD"
    directory = os.path.join(ctx.work_dir, "auth-secrets")
    os.makedirs(directory, exist_ok=True)
    password_file = os.path.join(directory, "password")
    with open(password_file, "w") as handle:
        handle.write(password)
    os.chmod(password_file, 0o600)
    keys = {
        "AUTH": [(AUTH_USERNAME_KEY, user), (AUTH_PASSWORD_FILE_KEY, password_file)],
        "AUTHENV": [(AUTH_USERNAME_KEY, env_user), (AUTH_PASSWORD_ENV_KEY, env_name)],
    }
    ex = Exchange(ctx, "auth", participants=["AUTH", "AUTHENV", PROBE], session_keys=keys,
                  environment={env_name: env_password})
    try:
        ex.start()
    except StartFailure as error:
        ctx.check("auth: mm exchange starts with %s, %s and %s settings"
                  % (AUTH_USERNAME_KEY, AUTH_PASSWORD_FILE_KEY, AUTH_PASSWORD_ENV_KEY), False, str(error))
        return []

    def refused(who, credentials, label):
        peer = ctx.peer(ex, who)
        try:
            peer.logon(reset=True, extra=credentials)
            closed, messages, leftover = peer.wait_closed()
        finally:
            peer.close()
        problem = refusal(messages, leftover, closed, AUTH_REFUSAL_TEXT)
        ctx.check("auth: %s: %s" % (who, label), problem is None,
                  problem or "Logout 58=%r, then disconnected" % AUTH_REFUSAL_TEXT)

    def accepted(who, credentials):
        peer = ctx.peer(ex, who)
        name = "auth: %s: right username and password log on" % who
        try:
            answer = peer.logon_ok(reset=True, extra=credentials)
            peer.logout()
            ctx.check(name, True, "Logon answered (34=%s), logged out" % answer.get("34"))
        except (Unexpected, Closed) as error:
            ctx.check(name, False, str(error))
        finally:
            peer.close()

    for who, name, secret in (("AUTH", user, password), ("AUTHENV", env_user, env_password)):
        refused(who, [("553", name)], "no Password")
        refused(who, [("553", name), ("554", wrong)], "wrong Password")
        refused(who, [("553", name + "x"), ("554", secret)], "wrong Username")
        refused(who, [], "no Username and no Password")
        accepted(who, [("553", name), ("554", secret)])
    after_case(ctx, "auth", ex)

    # The logs, flushed by a clean stop, must not hold any password in clear.
    ex.stop()
    secrets = [password, env_password, wrong]
    found = []
    logons = 0
    for root, _, files in os.walk(ex.log_dir):
        for file_name in files:
            path = os.path.join(root, file_name)
            with open(path, "rb") as handle:
                data = handle.read()
            for secret in secrets:
                if secret.encode() in data:
                    found.append("%s in %s" % (secret, file_name))
            if file_name.endswith(".messages.log"):
                logons += sum(1 for m in read_messages_log(path) if m.type == "A" and m.get("553"))
    ctx.check("auth: no password in clear in the logs", logons > 0 and not found,
              ("found %s" % "; ".join(found)) if found else
              ("%d Logons with a Username logged, no password in them" % logons if logons
               else "no Logon with a Username in the messages logs: nothing to check"))
    return []


CASES = [
    ("a", "huge-heartbeat", case_huge_heartbeat),
    ("b", "negative-heartbeat", case_negative_heartbeat),
    ("c", "first-message", case_first_message),
    ("d", "sending-time", case_sending_time),
    ("e", "idle-connections", case_idle_connections),
    ("f", "resend-zero", case_resend_zero),
    ("g", "flood", case_flood),
    ("h", "log-after-kill", case_log_after_kill),
    ("i", "execid-restart", case_execid_restart),
    ("j", "auth", case_auth),
]


# ----------------------------------------------------------------------------------------------
# Command line


def parse_args(argv):
    names = ", ".join("%s (%s)" % (name, letter) for letter, name, _ in CASES)
    parser = argparse.ArgumentParser(
        prog="hostile.py", description="Hostile-peer checks of mm exchange.",
        epilog="Cases: " + names + ".")
    parser.add_argument("--mm", required=True, help="the mm executable")
    parser.add_argument("--case", nargs="+", metavar="NAME", help="run only these cases (name or letter)")
    parser.add_argument("--rtt-p99-limit", type=float, default=None,
                        help="under FileStoreSync=always, the quiet round trip's p99 must stay under this many ms "
                             "(default 20; 50 with --quick, where a CI machine's disk decides more than the engine)")
    parser.add_argument("--rtt-max-limit", type=float, default=None,
                        help="... and its largest under this many ms (default 100; 250 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="bounded sizes for CI: 1,000 flood orders and 100 round trips, 200 idle "
                             "connections, 300 orders before the kill")
    parser.add_argument("--flood-orders", type=int, metavar="N",
                        help="orders of the flood (default 3000; 1000 with --quick); 15000 for a long one")
    parser.add_argument("--sync", nargs="+", choices=("always", "interval", "never"),
                        default=["always", "interval", "never"],
                        help="FileStoreSync values of the flood (default all three; interval is %d ms)"
                             % SYNC_INTERVAL_MS)
    parser.add_argument("--idle-connections", type=int, default=500, metavar="N",
                        help="connections that never log on (default 500; 200 with --quick)")
    parser.add_argument("--idle-wait", type=float, default=30.0, metavar="SECONDS",
                        help="how long the exchange has to close them (default 30)")
    parser.add_argument("--kill-orders", type=int, default=1000, metavar="N",
                        help="orders before the SIGKILL of log-after-kill (default 1000; 300 with --quick)")
    parser.add_argument("--work-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                           ".build", "run"),
                        metavar="DIR", help="settings, stores and logs (emptied first; default "
                                            "Tools/hostile/.build/run)")
    parser.add_argument("--max-time", type=float, metavar="SECONDS",
                        help="stop the whole run after this long (default 900; 280 with --quick)")
    parser.add_argument("--verbose", action="store_true", help="show every message sent and received")
    args = parser.parse_args(argv)
    by_name = {}
    for letter, name, function in CASES:
        by_name[letter] = by_name[name] = (name, function)
    selected = []
    for wanted in args.case or [name for _, name, _ in CASES]:
        if wanted not in by_name:
            parser.error("unknown case %r (cases: %s)" % (wanted, names))
        if by_name[wanted] not in selected:
            selected.append(by_name[wanted])
    args.selected = selected
    if args.flood_orders is not None and args.flood_orders < 1:
        parser.error("--flood-orders must be positive")
    if args.idle_connections < 1 or args.kill_orders < 1 or not args.idle_wait > 0:
        parser.error("--idle-connections, --kill-orders and --idle-wait must be positive")
    if args.max_time is None:
        args.max_time = 280.0 if args.quick else 900.0
    if args.rtt_p99_limit is None:
        args.rtt_p99_limit = 50.0 if args.quick else 20.0
    if args.rtt_max_limit is None:
        args.rtt_max_limit = 250.0 if args.quick else 100.0
    if not os.access(args.mm, os.X_OK):
        parser.error("mm not found or not executable: %s" % args.mm)
    args.mm = os.path.abspath(args.mm)
    args.work_dir = os.path.abspath(args.work_dir)
    return args


def main(argv=None):
    args = parse_args(argv)
    shutil.rmtree(args.work_dir, ignore_errors=True)
    os.makedirs(args.work_dir)
    atexit.register(kill_all)

    def on_signal(number, _frame):
        kill_all()
        print("hostile.py: stopped by signal %d" % number, file=sys.stderr, flush=True)
        os._exit(128 + number)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    def overran():
        kill_all()
        print("hostile.py: the run overran --max-time %gs; stopped" % args.max_time, file=sys.stderr, flush=True)
        os._exit(3)

    watchdog = threading.Timer(args.max_time, overran)
    watchdog.daemon = True
    watchdog.start()

    ctx = Context(args)
    started = time.monotonic()
    print("hostile.py: %s against %s (work directory %s)"
          % (", ".join(name for name, _ in args.selected), args.mm, args.work_dir), flush=True)
    try:
        for name, function in args.selected:
            case_started = time.monotonic()
            try:
                exchanges = function(ctx)
                for ex in exchanges:
                    after_case(ctx, name, ex)
            except StartFailure as error:
                ctx.check("%s: mm exchange starts" % name, False, str(error))
            except Exception as error:  # a case that stops half-way is a failure, not the end of the run
                detail = "".join(traceback.format_exception_only(type(error), error)).strip()
                ctx.check("%s: ran to the end" % name, False, "stopped by %s" % detail)
                if args.verbose:
                    traceback.print_exc()
            if args.verbose:
                print("     (%s: %.1f s)" % (name, time.monotonic() - case_started), flush=True)
    except KeyboardInterrupt:
        kill_all()
        print("hostile.py: interrupted", file=sys.stderr)
        return 130
    finally:
        kill_all()
        watchdog.cancel()
    results = ctx.results
    print("%d passed, %d failed" % (results.passed, results.failed), flush=True)
    print("hostile.py: %.1f s" % (time.monotonic() - started), file=sys.stderr)
    return 0 if results.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
