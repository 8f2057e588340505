#!/usr/bin/env python3
"""Self-tests of run.py's message handling (no acceptor needed): python3 Tools/conformance/test_run.py"""

import datetime
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402

S = "\x01"


def fix(text):
    return text.replace("|", S)


class CompleteTests(unittest.TestCase):
    def test_inserts_body_length_and_checksum(self):
        message = run.complete(fix("8=FIX.4.4|35=0|34=2|49=TW44|52=20240101-00:00:00|56=ISLD|"))
        self.assertEqual(message, fix(
            "8=FIX.4.4|9=47|35=0|34=2|49=TW44|52=20240101-00:00:00|56=ISLD|10=%s|")
            % run.checksum(fix("8=FIX.4.4|9=47|35=0|34=2|49=TW44|52=20240101-00:00:00|56=ISLD|")))
        body = message.split(S, 2)[2]
        self.assertEqual(len(body[: body.index(S + "10=") + 1]), 47)

    def test_checksum_is_sum_of_bytes_mod_256(self):
        text = fix("8=FIX.4.4|9=5|35=0|")
        self.assertEqual(run.checksum(text), "%03d" % (sum(text.encode()) % 256))
        self.assertEqual(len(run.checksum("\xff" * 1000)), 3)

    def test_keeps_written_length_and_appends_checksum(self):
        written = fix("8=FIX.4.4|9=40|35=A|34=1|")
        message = run.complete(written)
        self.assertTrue(message.startswith(written))
        self.assertRegex(message[len(written):], r"^10=\d{3}\x01$")

    def test_keeps_written_checksum_and_inserts_length(self):
        message = run.complete(fix("8=FIX.4.4|35=0|34=2|10=256|"))
        self.assertEqual(message, fix("8=FIX.4.4|9=10|35=0|34=2|10=256|"))

    def test_keeps_a_message_with_both(self):
        written = fix("8=FIX.4.4|9=52|35=0|34=2|4garbled9=TW|10=0|")
        self.assertEqual(run.complete(written), written)

    def test_leaves_a_message_not_starting_with_begin_string(self):
        written = fix("35=0|8=FIX.4.4|9=29|34=2|10=121|")
        self.assertEqual(run.complete(written), written)

    def test_tag_49_is_not_body_length(self):
        message = run.complete(fix("8=FIX.4.4|35=0|49=TW|"))
        self.assertIn(fix("|9=11|"), message)


class TimeTests(unittest.TestCase):
    def test_substitution(self):
        now = datetime.datetime(2024, 2, 29, 23, 59, 50, tzinfo=datetime.timezone.utc)
        text = run.substitute_time("52=<TIME>|122=<TIME-1>|60=<TIME+10>|x=<TIME+121>", now)
        self.assertEqual(text, "52=20240229-23:59:50|122=20240229-23:59:49|"
                               "60=20240301-00:00:00|x=20240301-00:01:51")


class CompareTests(unittest.TestCase):
    patterns = {"10": re.compile(r"\d{3}"),
                "52": re.compile(r"\d{8}-\d{2}:\d{2}:\d{2}|\d{8}-\d{2}:\d{2}:\d{2}[.]\d{3}"),
                "122": re.compile(r"\d{8}-\d{2}:\d{2}:\d{2}")}

    def test_equal_with_patterns(self):
        expected = fix("8=FIX.4.4|9=5|35=0|52=00000000-00:00:00.000|10=0|")
        received = fix("8=FIX.4.4|9=5|35=0|52=20240101-10:00:00.123|10=042|")
        self.assertIsNone(run.compare(expected, received, self.patterns))

    def test_value_differs(self):
        reason = run.compare(fix("8=FIX.4.4|58=a|"), fix("8=FIX.4.4|58=b|"), {})
        self.assertEqual(reason, "field 2: expected 58=a, got 58=b")

    def test_message_type_first(self):
        reason = run.compare(fix("8=FIX.4.4|9=106|35=D|"), fix("8=FIX.4.4|9=51|35=0|"), {})
        self.assertEqual(reason, "field 3: expected 35=D, got 35=0")

    def test_body_length_reported_last(self):
        self.assertEqual(run.compare(fix("8=FIX.4.4|9=9|35=0|58=ab|"),
                                     fix("8=FIX.4.4|9=8|35=0|58=a|"), {}),
                         "field 4: expected 58=ab, got 58=a")
        self.assertEqual(run.compare(fix("8=FIX.4.4|9=9|35=0|58=ab|"),
                                     fix("8=FIX.4.4|9=8|35=0|58=ab|"), {}),
                         "field 2: expected 9=9, got 9=8")

    def test_tag_order(self):
        reason = run.compare(fix("8=FIX.4.4|34=1|49=A|"), fix("8=FIX.4.4|49=A|34=1|"), {})
        self.assertEqual(reason, "field 2: expected 34=1, got 49=A")

    def test_extra_and_missing(self):
        self.assertEqual(run.compare(fix("8=FIX.4.4|"), fix("8=FIX.4.4|58=x|"), {}),
                         "unexpected field 2: 58=x")
        self.assertEqual(run.compare(fix("8=FIX.4.4|58=x|"), fix("8=FIX.4.4|"), {}),
                         "missing field 2: 58=x")

    def test_full_match_versus_search(self):
        expected = fix("8=FIX.4.4|122=00000000-00:00:00.000|10=0|")
        received = fix("8=FIX.4.4|122=20240101-10:00:00.123|10=001|")
        self.assertIn("does not fully match",
                      run.compare(expected, received, self.patterns))
        self.assertIsNone(run.compare(expected, received, self.patterns, search=True))
        bad = fix("8=FIX.4.4|122=20240101-10:00:00|10=1234|")
        self.assertIn("10=1234", run.compare(expected, bad, self.patterns))
        self.assertIsNone(run.compare(expected, bad, self.patterns, search=True))  # loose


class FramingTests(unittest.TestCase):
    def setUp(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.conn = run.Connection("127.0.0.1", self.server.getsockname()[1], 2)
        self.peer, _ = self.server.accept()

    def tearDown(self):
        self.conn.close()
        self.peer.close()
        self.server.close()

    def test_split_reads_and_two_messages_in_one(self):
        one = run.complete(fix("8=FIX.4.4|35=0|34=2|"))
        two = run.complete(fix("8=FIX.4.4|35=1|34=3|112=x|"))
        data = (one + two).encode()

        def feed():
            for i in range(0, len(data), 7):
                self.peer.sendall(data[i:i + 7])
                time.sleep(0.002)

        threading.Thread(target=feed).start()
        deadline = time.monotonic() + 2
        self.assertEqual(self.conn.read_message(deadline), one)
        self.assertEqual(self.conn.read_message(deadline), two)

    def test_timeout_and_close(self):
        with self.assertRaises(run.TimedOut):
            self.conn.read_message(time.monotonic() + 0.1)
        self.peer.sendall(run.complete(fix("8=FIX.4.4|35=0|")).encode())
        self.peer.close()
        self.assertEqual(self.conn.wait_closed(time.monotonic() + 1),
                         [run.complete(fix("8=FIX.4.4|35=0|"))])


class ScriptDataTests(unittest.TestCase):
    """Expected lines without 9= (2d, 3c) get the length the received message will have."""

    def test_expected_lengths_of_the_suite(self):
        directory = run.DEFAULT_SCRIPTS
        if not os.path.isdir(directory):
            self.skipTest("scripts not found at %s" % directory)
        for name in sorted(os.listdir(directory)):
            with open(os.path.join(directory, name), encoding="latin-1") as handle:
                for line in handle:
                    line = line.rstrip("\r\n")
                    match = run.LINE_RE.match(line)
                    if not match or match.group(1) != "E":
                        continue
                    body = match.group(3)
                    if "\x019=" in body:
                        continue
                    message = run.prepare(body)
                    self.assertRegex(message, r"^8=FIX\.4\.4\x019=\d+\x01")


class StrictDisconnectTests(unittest.TestCase):
    """eDISCONNECT fails when anything arrives before the close, as in QuickFIX's runner."""

    LOGON = fix("8=FIX.4.4|35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|")
    REJECT = run.complete(fix("8=FIX.4.4|35=3|34=1|49=ISLD|52=20240101-00:00:00.000|56=TW44|45=1|"
                              "58=SendingTime accuracy problem|373=10|"))
    LOGOUT = run.complete(fix("8=FIX.4.4|35=5|34=2|49=ISLD|52=20240101-00:00:00.000|56=TW44|"))

    def setUp(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.server.settimeout(5)
        self.port = self.server.getsockname()[1]
        self.directory = tempfile.mkdtemp(prefix="test_run-")
        self.thread = None

    def tearDown(self):
        if self.thread is not None:
            self.thread.join(5)
        self.server.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def acceptor(self, answer, close=True):
        """Accepts one connection, waits for a whole message, sends `answer` (bytes), then closes
        the connection (or, with close=False, keeps it open for a second)."""

        def serve():
            try:
                peer, _ = self.server.accept()
            except OSError:
                return
            with peer:
                peer.settimeout(5)
                data = b""
                while b"\x0110=" not in data:
                    chunk = peer.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                if answer:
                    peer.sendall(answer)
                if not close:
                    time.sleep(1.0)

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()

    def run_script(self, lines, timeout=2):
        path = os.path.join(self.directory, "script.def")
        with open(path, "w", encoding="latin-1") as handle:
            handle.write("\n".join(lines) + "\n")
        return run.ScriptRun("127.0.0.1", self.port, timeout, {}, False).run(path)

    def test_silent_close_passes(self):
        self.acceptor(b"")
        self.assertIsNone(self.run_script(["iCONNECT", "I" + self.LOGON, "eDISCONNECT"]))

    def test_message_before_close_fails(self):
        self.acceptor((self.REJECT + self.LOGOUT).encode("latin-1"))
        result = self.run_script(["iCONNECT", "I" + self.LOGON, "eDISCONNECT"])
        self.assertIsNotNone(result, "a Reject and a Logout before the close must fail the script")
        line, failure = result
        self.assertEqual(line, 3)
        self.assertEqual(failure.reason, "Expected disconnection, got data")
        self.assertEqual(failure.got, run.show(self.REJECT))

    def test_expected_logout_then_close_passes(self):
        self.acceptor(self.LOGOUT.encode("latin-1"))
        expected = fix("8=FIX.4.4|9=51|35=5|34=2|49=ISLD|52=00000000-00:00:00.000|56=TW44|10=0|")
        patterns = {"10": re.compile(r"\d{3}"), "52": re.compile(r"\d{8}-\d{2}:\d{2}:\d{2}[.]\d{3}")}
        path = os.path.join(self.directory, "script.def")
        with open(path, "w", encoding="latin-1") as handle:
            handle.write("\n".join(["iCONNECT", "I" + self.LOGON, "E" + expected, "eDISCONNECT"]) + "\n")
        self.assertIsNone(run.ScriptRun("127.0.0.1", self.port, 2, patterns, False).run(path))

    def test_incomplete_data_before_close_fails(self):
        self.acceptor(b"8=FIX.4.4\x019=51\x0135=5\x01")
        result = self.run_script(["iCONNECT", "I" + self.LOGON, "eDISCONNECT"])
        self.assertIsNotNone(result)
        self.assertEqual(result[1].reason, "Expected disconnection, got data")
        self.assertIn("incomplete data 8=FIX.4.4|9=51|35=5|", result[1].got)

    def test_no_close_times_out(self):
        self.acceptor(b"", close=False)
        result = self.run_script(["iCONNECT", "I" + self.LOGON, "eDISCONNECT"], timeout=0.3)
        self.assertIsNotNone(result)
        self.assertIn("did not disconnect", result[1].reason)


if __name__ == "__main__":
    unittest.main()
