#!/usr/bin/env python3
"""Run the QuickFIX FIX 4.4 acceptor conformance scripts against a running acceptor.

Usage:
    python3 Tools/conformance/run.py --port PORT [--host 127.0.0.1]
        [--scripts DIR] [--fields FILE] [--only NAME ...] [--timeout SECONDS]
        [--match full|search] [--verbose]

The scripts (``*.def``) and the per-tag patterns (``fields.fmt``) are third-party data kept outside
the repository, by default in ``../shared/quickfix-at`` beside the repository root; see
``Tools/conformance/README.md`` and that directory's README for the script format.

This product includes software developed by quickfixengine.org (http://www.quickfixengine.org/).

Each script runs on fresh TCP connections; between scripts every connection is closed and the
acceptor is given a moment to notice. One line per script is printed, ``PASS name`` or
``FAIL name: line N: reason (expected ..., got ...)``, then ``N passed, N failed``.
Exit status: 0 when every script passed, 1 when any failed, 2 for usage errors.

Standard library only.
"""

import argparse
import datetime
import os
import re
import select
import socket
import sys
import time

SOH = "\x01"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_SCRIPTS = os.path.join(REPO_ROOT, "..", "shared", "quickfix-at", "definitions", "server", "fix44")
DEFAULT_FIELDS = os.path.join(REPO_ROOT, "..", "shared", "quickfix-at", "definitions", "fields.fmt")

# How long, at most, cleanup waits for the acceptor to close a connection we closed.
CLEANUP_WAIT = 1.0
# Pause between scripts, after every connection is closed.
PAUSE_BETWEEN_SCRIPTS = 0.05
# The reason of an eDISCONNECT line when a message arrives before the close (QuickFIX's wording).
EXPECTED_DISCONNECTION = "Expected disconnection, got data"

LINE_RE = re.compile(r"^([IEie])(?:(\d),)?(.*)$", re.S)
TIME_RE = re.compile(r"<TIME(?:([+-])(\d+))?>")


class UsageError(Exception):
    pass


class ScriptFailure(Exception):
    """A line of a script did not hold."""

    def __init__(self, reason, expected=None, got=None):
        super().__init__(reason)
        self.reason = reason
        self.expected = expected
        self.got = got


class Closed(Exception):
    """The acceptor closed the connection."""


class TimedOut(Exception):
    pass


def show(message):
    """A message for humans: SOH shown as '|'."""
    return message.replace(SOH, "|")


# ----------------------------------------------------------------------------------------------
# Message preparation (both for messages we send and messages we expect)


def substitute_time(text, now=None):
    """Replace <TIME>, <TIME+N> and <TIME-N> with the UTC time (YYYYMMDD-HH:MM:SS) shifted by N s."""
    if "<TIME" not in text:
        return text
    if now is None:
        now = datetime.datetime.now(datetime.timezone.utc)

    def repl(match):
        t = now
        if match.group(1):
            delta = datetime.timedelta(seconds=int(match.group(2)))
            t = now + delta if match.group(1) == "+" else now - delta
        return t.strftime("%Y%m%d-%H:%M:%S")

    return TIME_RE.sub(repl, text)


def checksum(text):
    return "%03d" % (sum(text.encode("latin-1")) % 256)


def complete(message):
    """Insert BodyLength after 8=... when absent and append CheckSum when absent.

    A message that does not start with 8= is left alone (that is how a misplaced BeginString is
    tested). A present 9= or 10= is kept as written (wrong lengths and checksums are tests too);
    when only 10= is present, BodyLength is still inserted and covers the fields before it.
    """
    if not message.startswith("8="):
        return message
    first_end = message.find(SOH)
    if first_end < 0:
        return message
    head = message[: first_end + 1]
    rest = message[first_end + 1:]
    fields = rest.split(SOH)
    has_length = any(f.startswith("9=") for f in fields)
    trailer_index = next((i for i, f in enumerate(fields) if f.startswith("10=")), None)
    if trailer_index is None:
        body = rest
        trailer = None
    else:
        body = SOH.join(fields[:trailer_index])
        if trailer_index > 0:
            body += SOH
        trailer = SOH.join(fields[trailer_index:])
    if body and not body.endswith(SOH) and trailer is None:
        body += SOH
    length = "" if has_length else "9=%d%s" % (len(body.encode("latin-1")), SOH)
    if trailer is None:
        trailer = "10=%s%s" % (checksum(head + length + body), SOH)
    return head + length + body + trailer


def prepare(body):
    return complete(substitute_time(body))


def split_fields(message):
    """[(tag, value), ...] of a message; the SOH ending the last field is not a field."""
    if message.endswith(SOH):
        message = message[:-1]
    if not message:
        return []
    result = []
    for field in message.split(SOH):
        tag, sep, value = field.partition("=")
        result.append((tag, value if sep else None))
    return result


def field_text(tag, value):
    return tag if value is None else "%s=%s" % (tag, value)


def compare(expected, received, patterns, search=False):
    """None when the received message matches the expected one, else the reason.

    Tags with a pattern must match it in full, or, with search=True, contain a match anywhere
    (the rule of QuickFIX's own comparator).
    """
    exp = split_fields(expected)
    got = split_fields(received)
    # A different message type is the headline, even when BodyLength differs first.
    exp_type = next(((i, v) for i, (t, v) in enumerate(exp) if t == "35"), None)
    got_type = next((v for t, v in got if t == "35"), None)
    if exp_type is not None and got_type is not None and exp_type[1] != got_type:
        return "field %d: expected 35=%s, got 35=%s" % (exp_type[0] + 1, exp_type[1], got_type)
    length_reason = None  # a wrong BodyLength is reported only when nothing else explains it
    for index in range(min(len(exp), len(got))):
        (etag, evalue), (gtag, gvalue) = exp[index], got[index]
        position = index + 1
        if etag != gtag:
            return "field %d: expected %s, got %s" % (
                position, field_text(etag, evalue), field_text(gtag, gvalue))
        if etag == "9" and "9" not in patterns:
            if evalue != gvalue and length_reason is None:
                length_reason = "field %d: expected 9=%s, got 9=%s" % (position, evalue, gvalue)
            continue
        pattern = patterns.get(etag)
        if pattern is not None:
            matches = pattern.search if search else pattern.fullmatch
            if gvalue is None or not matches(gvalue):
                return "field %d: %s does not %s /%s/" % (
                    position, field_text(gtag, gvalue), "match" if search else "fully match",
                    pattern.pattern)
        elif evalue != gvalue:
            return "field %d: expected %s, got %s" % (
                position, field_text(etag, evalue), field_text(gtag, gvalue))
    if len(got) > len(exp):
        extra = got[len(exp)]
        return "unexpected field %d: %s" % (len(exp) + 1, field_text(*extra))
    if len(exp) > len(got):
        missing = exp[len(got)]
        return "missing field %d: %s" % (len(got) + 1, field_text(*missing))
    return length_reason


# ----------------------------------------------------------------------------------------------
# Connections


class Connection:
    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.buffer = bytearray()
        self.eof = False

    def send(self, data, deadline):
        """Send everything by deadline (else TimedOut); a peer that has gone raises Closed."""
        view = memoryview(data)
        while view:
            try:
                sent = self.sock.send(view)
                view = view[sent:]
            except (BlockingIOError, InterruptedError):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimedOut()
                select.select([], [self.sock], [], remaining)
            except OSError as error:
                self.eof = True
                raise Closed(str(error))

    def _fill(self, deadline):
        """Read what is available, waiting at most until deadline. Raises TimedOut."""
        if self.eof:
            raise Closed("connection closed by the acceptor")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimedOut()
        readable, _, _ = select.select([self.sock], [], [], remaining)
        if not readable:
            raise TimedOut()
        try:
            data = self.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.eof = True
            raise Closed("connection closed by the acceptor")
        self.buffer += data

    def _frame(self):
        """Take one whole message off the buffer, or None when it is not all there yet."""
        buf = self.buffer
        start = buf.find(b"8=")
        if start < 0:
            del buf[:-1]  # nothing that can start a message: keep at most a trailing '8'
            return None
        first = buf.find(b"\x01", start)
        if first < 0:
            return None
        end = None
        if buf.startswith(b"9=", first + 1):
            second = buf.find(b"\x01", first + 1)
            if second < 0:
                return None
            length_text = bytes(buf[first + 3:second])
            if length_text.isdigit():
                trailer = second + 1 + int(length_text)
                if len(buf) < trailer + 3:
                    return None
                if buf.startswith(b"10=", trailer):
                    close = buf.find(b"\x01", trailer)
                    if close < 0:
                        return None
                    end = close + 1
        if end is None:
            # No usable BodyLength: frame by the first CheckSum field instead.
            match = re.search(rb"\x0110=[^\x01]*\x01", bytes(buf[first:]))
            if match is None:
                return None
            end = first + match.end()
        message = bytes(buf[start:end])
        del buf[:end]
        return message.decode("latin-1")

    def read_message(self, deadline):
        while True:
            message = self._frame()
            if message is not None:
                return message
            self._fill(deadline)

    def wait_closed(self, deadline):
        """Discard anything that arrives until the acceptor closes. Returns the messages seen."""
        seen = []
        while True:
            message = self._frame()
            while message is not None:
                seen.append(message)
                message = self._frame()
            try:
                self._fill(deadline)
            except Closed:
                return seen

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ----------------------------------------------------------------------------------------------
# Running a script


class ScriptRun:
    def __init__(self, host, port, timeout, patterns, verbose, search=False):
        self.host = host
        self.port = port
        self.timeout = timeout
        self.patterns = patterns
        self.verbose = verbose
        self.search = search
        self.connections = {}
        self.closing = []
        self.started = time.monotonic()

    def log(self, cid, arrow, text):
        if self.verbose:
            print("    %6.3f [%s] %s %s" % (time.monotonic() - self.started, cid, arrow, show(text)),
                  flush=True)

    def connection(self, cid, for_what):
        conn = self.connections.get(cid)
        if conn is None:
            raise ScriptFailure("connection %s is not open" % cid, for_what, "no connection")
        return conn

    def run(self, path):
        with open(path, "rb") as handle:
            lines = handle.read().decode("latin-1").split("\n")
        try:
            for number, raw in enumerate(lines, start=1):
                line = raw.rstrip("\r\n")
                if not line.strip() or line.startswith("#"):
                    continue
                try:
                    self.step(line)
                except ScriptFailure as failure:
                    return number, failure
            return None
        finally:
            self.cleanup()

    def step(self, line):
        match = LINE_RE.match(line)
        if match is None:
            raise ScriptFailure("syntax error: %s" % show(line))
        kind, cid, body = match.group(1), match.group(2) or "1", match.group(3)

        if kind == "i":
            command = body.strip()
            if command == "CONNECT":
                self.connect(cid)
            elif command == "DISCONNECT":
                self.disconnect(cid)
            else:
                raise ScriptFailure("syntax error: %s" % show(line))
        elif kind == "e":
            command = body.strip()
            if command == "DISCONNECT":
                self.expect_disconnect(cid)
            else:
                raise ScriptFailure("unsupported line for an acceptor test: %s" % show(line))
        elif kind == "I":
            self.send(cid, prepare(body))
        else:
            self.expect(cid, prepare(body))

    def connect(self, cid):
        old = self.connections.pop(cid, None)
        if old is not None:
            old.close()
        try:
            self.connections[cid] = Connection(self.host, self.port, self.timeout)
        except OSError as error:
            raise ScriptFailure("cannot connect to %s:%d: %s" % (self.host, self.port, error),
                                "connection", "no connection")
        self.log(cid, "==", "connected")

    def disconnect(self, cid):
        conn = self.connections.pop(cid, None)
        if conn is None:
            return
        self.log(cid, "==", "closing")
        # Half-close now; cleanup waits (briefly) for the acceptor to notice and close its side.
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.closing.append(conn)

    def send(self, cid, message):
        conn = self.connection(cid, show(message))
        self.log(cid, ">", message)
        try:
            conn.send(message.encode("latin-1"), time.monotonic() + self.timeout)
        except TimedOut:
            raise ScriptFailure("could not send within %gs (the acceptor is not reading)"
                                % self.timeout, show(message), "a full send buffer")
        except Closed as error:
            # The acceptor has already gone (it may have been told to close); a later E line will
            # fail and an eDISCONNECT will pass.
            self.log(cid, "!!", "send failed: %s" % error)

    def expect(self, cid, expected):
        conn = self.connection(cid, show(expected))
        deadline = time.monotonic() + self.timeout
        try:
            received = conn.read_message(deadline)
        except TimedOut:
            raise ScriptFailure("timed out after %gs waiting for a message" % self.timeout,
                                show(expected), self.leftover(conn, "nothing"))
        except Closed:
            raise ScriptFailure("connection closed by the acceptor", show(expected),
                                self.leftover(conn, "disconnect"))
        self.log(cid, "<", received)
        reason = compare(expected, received, self.patterns, self.search)
        if reason is not None:
            raise ScriptFailure(reason, show(expected), show(received))

    @staticmethod
    def leftover(conn, otherwise):
        if conn.buffer:
            text = bytes(conn.buffer[:300]).decode("latin-1")
            return "%s after incomplete data %s" % (otherwise, show(text))
        return otherwise

    def expect_disconnect(self, cid):
        """The acceptor must close the connection, sending nothing more first.

        As in QuickFIX's own runner, a message that arrives before the close (or one already
        received and not read by an E line) fails the line: "Expected disconnection, got data".
        So do bytes left over at the close that do not make a whole message.
        """
        conn = self.connection(cid, "disconnect")
        deadline = time.monotonic() + self.timeout
        try:
            message = conn.read_message(deadline)
        except TimedOut:
            raise ScriptFailure("the acceptor did not disconnect within %gs" % self.timeout,
                                "disconnect", self.leftover(conn, "connection still open"))
        except Closed:
            message = None
        if message is not None:
            self.log(cid, "<", message)
            raise ScriptFailure(EXPECTED_DISCONNECTION, "disconnect", show(message))
        if conn.buffer:
            raise ScriptFailure(EXPECTED_DISCONNECTION, "disconnect",
                                self.leftover(conn, "disconnect"))
        self.log(cid, "==", "closed by the acceptor")
        conn.close()
        del self.connections[cid]

    def cleanup(self):
        """Close every connection and wait (briefly) until the acceptor has closed its side."""
        pending = self.closing + list(self.connections.values())
        self.connections = {}
        self.closing = []
        deadline = time.monotonic() + min(CLEANUP_WAIT, self.timeout)
        for conn in pending:
            if not conn.eof:
                try:
                    conn.sock.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
        for conn in pending:
            if not conn.eof:
                try:
                    conn.wait_closed(deadline)
                except TimedOut:
                    pass
            conn.close()
        if pending:
            time.sleep(PAUSE_BETWEEN_SCRIPTS)


# ----------------------------------------------------------------------------------------------
# Command line


def load_patterns(path):
    patterns = {}
    with open(path, "r", encoding="latin-1") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            tag, sep, regex = line.partition("=")
            if not sep or not tag.strip().lstrip("-").isdigit():
                raise UsageError("%s:%d: expected TAG=REGEX, got %r" % (path, number, line))
            try:
                patterns[tag.strip()] = re.compile(regex)
            except re.error as error:
                raise UsageError("%s:%d: bad pattern %r: %s" % (path, number, regex, error))
    return patterns


def find_scripts(directory, only):
    if not os.path.isdir(directory):
        raise UsageError("scripts directory not found: %s" % os.path.normpath(directory))
    scripts = sorted(name for name in os.listdir(directory) if name.endswith(".def"))
    if not scripts:
        raise UsageError("no *.def scripts in %s" % os.path.normpath(directory))
    if only:
        wanted = []
        for name in only:
            file_name = name if name.endswith(".def") else name + ".def"
            if file_name not in scripts:
                raise UsageError("no script named %s in %s" % (name, os.path.normpath(directory)))
            if file_name not in wanted:
                wanted.append(file_name)
        scripts = sorted(wanted)
    return [os.path.join(directory, name) for name in scripts]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="Run the QuickFIX FIX 4.4 acceptor conformance scripts against a running acceptor.",
        epilog="This product includes software developed by quickfixengine.org "
               "(http://www.quickfixengine.org/).")
    parser.add_argument("--port", type=int, required=True, help="the acceptor's port")
    parser.add_argument("--host", default="127.0.0.1", help="the acceptor's address (default 127.0.0.1)")
    parser.add_argument("--scripts", default=DEFAULT_SCRIPTS, metavar="DIR",
                        help="directory of *.def scripts (default ../shared/quickfix-at/"
                             "definitions/server/fix44 beside the repository)")
    parser.add_argument("--fields", default=DEFAULT_FIELDS, metavar="FILE",
                        help="per-tag patterns (default ../shared/quickfix-at/definitions/fields.fmt)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these scripts")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                        help="how long to wait for a message or a disconnect (default 10)")
    parser.add_argument("--match", choices=("full", "search"), default="search",
                        help="how a value is checked against its fields.fmt pattern: the whole "
                             "value (full, the default) or anywhere in it (search, the rule of "
                             "QuickFIX's own comparator; see README.md)")
    parser.add_argument("--verbose", action="store_true", help="show every message sent and received")
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error("--port must be between 1 and 65535")
    if not args.timeout > 0:
        parser.error("--timeout must be positive")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        if not os.path.isfile(args.fields):
            raise UsageError("fields file not found: %s" % os.path.normpath(args.fields))
        patterns = load_patterns(args.fields)
        scripts = find_scripts(args.scripts, args.only)
    except UsageError as error:
        print("run.py: error: %s" % error, file=sys.stderr)
        return 2
    except OSError as error:
        print("run.py: error: %s" % error, file=sys.stderr)
        return 2

    passed = failed = 0
    started = time.monotonic()
    for path in scripts:
        name = os.path.basename(path)[: -len(".def")]
        if args.verbose:
            print("  %s" % name, flush=True)
        runner = ScriptRun(args.host, args.port, args.timeout, patterns, args.verbose,
                           search=args.match == "search")
        script_started = time.monotonic()
        try:
            result = runner.run(path)
        except Exception as error:  # a bug or an unreadable file must not stop the run
            result = (0, ScriptFailure("internal error: %s: %s" % (type(error).__name__, error)))
        if args.verbose:
            print("    (%.2fs)" % (time.monotonic() - script_started), flush=True)
        if result is None:
            passed += 1
            print("PASS %s" % name, flush=True)
        else:
            number, failure = result
            text = "FAIL %s: line %d: %s" % (name, number, failure.reason)
            if failure.expected is not None or failure.got is not None:
                text += " (expected %s, got %s)" % (failure.expected, failure.got)
            failed += 1
            print(text, flush=True)
    print("%d passed, %d failed" % (passed, failed), flush=True)
    print("run.py: %d scripts in %.1fs" % (len(scripts), time.monotonic() - started), file=sys.stderr)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
