#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets and the framer's libFuzzer dictionary.

    make_corpus.py REPO OUT

From the project's examples (Specs/examples) and, when present, the FIX 4.4 conformance scripts
beside the repository (../shared/quickfix-at/definitions/server/fix44/*.def), it writes:

  OUT/frame/      byte streams for the `frame` target: each message of the examples and scripts
                  (as written, and framed again with BodyLength and CheckSum computed), each
                  script's messages as one stream, each example file whole;
  OUT/session/    event programs for the `session` target (the encoding SessionFuzzer.swift
                  reads): each conformance script replayed against an acceptor, and a few
                  hand-written flows for the acceptor and the initiator;
  OUT/frame.dict  tokens for the framer (tags, delimiters, MsgTypes, timestamps), the group
                  and data fields of the built-in dictionary among them.

Nothing is copied into the repository; the seeds are made afresh at each run. Missing
conformance scripts are reported and skipped.
"""
import os
import re
import sys
import hashlib

SOH = b"\x01"
CLOCK = (2024, 8, 8, 12, 0, 0)  # the session target's clock at the start of a run


def checksum(data):
    return b"%03d" % (sum(data) % 256)


def frame(begin_string, body):
    """8=..|9=..|body10=..| with BodyLength and CheckSum computed (body ends with SOH)."""
    head = b"8=" + begin_string + SOH + b"9=" + str(len(body)).encode() + SOH
    m = head + body
    return m + b"10=" + checksum(m) + SOH


def fields(message):
    return [f for f in message.split(SOH) if f]


def reframe(message):
    """A message with its BodyLength and CheckSum computed again (other fields as they are)."""
    fs = fields(message)
    if not fs or not fs[0].startswith(b"8="):
        return None
    begin = fs[0][2:]
    rest = [f for f in fs[1:] if not f.startswith(b"9=") and not f.startswith(b"10=")]
    return frame(begin, b"".join(f + SOH for f in rest))


def shifted_time(match):
    """`<TIME>`, `<TIME+N>`, `<TIME-N>` as the session target's clock, shifted by N seconds."""
    sign, amount = match.group(1), match.group(2)
    offset = int(amount) * (-1 if sign == b"-" else 1) if amount else 0
    y, mo, d, h, mi, s = CLOCK
    total = h * 3600 + mi * 60 + s + offset
    return ("%04d%02d%02d-%02d:%02d:%02d" % (y, mo, d, total // 3600 % 24, total // 60 % 60, total % 60)).encode()


TIME = re.compile(rb"<TIME(?:([+-])(\d+))?>")


def script_message(line):
    """A conformance script's message line (after I or E), as the tester would send it."""
    text = TIME.sub(shifted_time, line)
    has_length = SOH + b"9=" in text
    has_checksum = (SOH + b"10=") in text
    if not has_length:
        fs = fields(text)
        if fs and fs[0].startswith(b"8="):
            rest = b"".join(f + SOH for f in fs[1:] if not f.startswith(b"10="))
            text = b"8=" + fs[0][2:] + SOH + b"9=" + str(len(rest)).encode() + SOH + rest
    if not has_checksum:
        text = text + b"10=" + checksum(text) + SOH
    return text


class Writer:
    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.count = 0

    def add(self, data, max_len=4096):
        if not data:
            return
        data = data[:max_len]
        name = hashlib.sha1(data).hexdigest()
        path = os.path.join(self.directory, name)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.count += 1


# --- The session target's event encoding (see SessionFuzzer.swift) ---------------------------

OP_CONNECT, OP_DISCONNECT, OP_TICK, OP_BUILT, OP_RAW = 0, 1, 2, 4, 9
OP_SEND, OP_LOGOUT, OP_TESTREQUEST, OP_HEARTBEAT, OP_PERSIST, OP_IN_SEQUENCE = 10, 11, 12, 13, 14, 15
KIND = {"A": 0, "0": 1, "1": 2, "2": 3, "3": 4, "4": 5, "5": 6, "D": 7, "8": 8, "j": 9, "V": 10}


def config(role_initiator=False, reset_on_logon=False, heartbeat_index=0, extra_c=0, dictionary=True):
    a = (1 if role_initiator else 0) | (2 if reset_on_logon else 0) | (0 if dictionary else 0xE0)
    b = (heartbeat_index & 7) << 2
    return bytes([a, b, extra_c & ~16, 0])  # no schedule bytes (c bit 4 clear), store age 0


def raw(message):
    """A raw message event (at most 255 bytes; the reader cuts longer ones)."""
    return bytes([OP_RAW, 1, min(len(message), 255)]) + message[:255]


def built(msg_type, tail=b"", flags=0, flags2=0, seq_choice=0, seq_extra=b"", time_choice=0, op=OP_BUILT):
    """A built message: kind, flags, flags2, MsgSeqNum choice and what it reads (seq_extra:
    a delta for choices 4 and 5, a number for 6), SendingTime choice (read unless flags and
    flags2 both have bit 1), then what the type reads (tail)."""
    time = bytes([time_choice]) if not (flags & 2 and flags2 & 2) else b""
    return bytes([op, KIND[msg_type], flags, flags2, seq_choice]) + seq_extra + time + tail


def tick(step_index):
    return bytes([OP_TICK, step_index])


def session_flows():
    """Hand-written programs: the common flows of the protocol, for both roles."""
    logon = built("A", bytes([30]))
    heartbeat = built("0")
    order = built("D", bytes([1]))
    flows = {
        "acceptor-logon-heartbeats-logout": config() + bytes([OP_CONNECT]) + logon + heartbeat + tick(9)
        + tick(3) + built("1", bytes([7])) + order + bytes([OP_SEND, 0, 1]) + built("5"),
        "acceptor-gap-resend-gapfill": config() + bytes([OP_CONNECT]) + logon
        + built("D", bytes([2]), seq_choice=4, seq_extra=bytes([1])) + built("4", bytes([5]), flags=64, flags2=32)
        + built("2", bytes([1, 0])) + bytes([OP_SEND, 0, 3, OP_SEND, 1, 4]) + built("2", bytes([1, 0])),
        "acceptor-reset-and-too-low": config(reset_on_logon=True) + bytes([OP_CONNECT]) + logon + heartbeat
        + bytes([OP_DISCONNECT, OP_CONNECT]) + built("A", bytes([30]), flags=64, flags2=32)
        + built("0", seq_choice=5, seq_extra=bytes([2])),
        "acceptor-heartbeat-timeout": config(heartbeat_index=3) + bytes([OP_CONNECT]) + built("A", bytes([10]))
        + tick(6) + tick(4) + tick(6) + tick(8) + tick(8),
        "initiator-logon-and-logout": config(role_initiator=True) + bytes([OP_CONNECT]) + logon + order
        + bytes([OP_SEND, 0, 9, OP_LOGOUT, 1]) + built("5") + bytes([OP_CONNECT]) + tick(7) + tick(7),
        "initiator-sequence-reset": config(role_initiator=True) + bytes([OP_CONNECT]) + logon
        + built("4", bytes([7]), flags=128) + built("3", bytes([1])) + bytes([OP_PERSIST])
        + bytes([OP_TESTREQUEST, 5, OP_HEARTBEAT]),
        "acceptor-possdup-origsendingtime": config() + bytes([OP_CONNECT]) + logon + order
        + built("D", bytes([0, 9]), flags=8 | 16, flags2=8, seq_choice=5, seq_extra=bytes([0])),
        # UseDataDictionary=N: numbers are not checked against their types before the session reads them.
        "acceptor-no-dictionary-reset-and-resend": config(dictionary=False) + bytes([OP_CONNECT]) + logon
        + built("4", bytes([146]), flags=128) + built("0", seq_choice=7, op=OP_IN_SEQUENCE)
        + built("2", bytes([146, 0]), flags=64) + bytes([OP_SEND, 0, 2]) + built("2", bytes([1, 146]), flags=128),
        "initiator-no-dictionary-gap": config(role_initiator=True, dictionary=False) + bytes([OP_CONNECT]) + logon
        + built("0", seq_choice=6, seq_extra=bytes([146])) + built("4", bytes([3]), flags=64, flags2=32) + tick(12),
    }
    return flows


def read_script(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make_corpus.py REPO OUT")
    repo, out = sys.argv[1], sys.argv[2]
    frames = Writer(os.path.join(out, "frame"))
    sessions = Writer(os.path.join(out, "session"))
    tokens = set()

    # The project's examples: files whole, each line, and `|` lines with SOH.
    examples = os.path.join(repo, "Specs", "examples")
    for root, _, names in os.walk(examples):
        for name in sorted(names):
            with open(os.path.join(root, name), "rb") as f:
                data = f.read()
            frames.add(data)
            for line in data.split(b"\n"):
                frames.add(line + b"\n")
                start = line.find(b"8=FIX")
                if start < 0:
                    continue
                message = line[start:]
                if SOH not in message:
                    message = message.replace(b"|", SOH).replace(b"^A", SOH)
                frames.add(message)
                again = reframe(message)
                if again:
                    frames.add(again)

    # The conformance scripts beside the repository.
    scripts_dir = os.path.normpath(os.path.join(repo, "..", "shared", "quickfix-at", "definitions", "server", "fix44"))
    scripts = sorted(n for n in os.listdir(scripts_dir) if n.endswith(".def")) if os.path.isdir(scripts_dir) else []
    if not scripts:
        print("make_corpus.py: no conformance scripts at %s: seeds from the project's examples only" % scripts_dir)
    for name in scripts:
        stream = b""
        program = config(reset_on_logon=True)
        for line in read_script(os.path.join(scripts_dir, name)):
            line = line.rstrip(b"\r")
            if not line or line.startswith(b"#"):
                continue
            kind, rest = line[:1], line[1:]
            # `I1,...`: a second connection; the digit and comma are dropped.
            if re.match(rb"^\d,", rest):
                rest = rest[2:]
            if rest == b"CONNECT":
                if kind == b"i":
                    program += bytes([OP_CONNECT])
                continue
            if rest == b"DISCONNECT":
                program += bytes([OP_DISCONNECT]) if kind == b"i" else tick(6)
                continue
            if kind not in (b"I", b"E") or not rest.startswith(b"8="):
                continue
            message = script_message(rest)
            frames.add(message)
            again = reframe(message)
            if again and again != message:
                frames.add(again)
            if kind == b"I":
                stream += message
                program += raw(message)
        frames.add(stream)
        sessions.add(program)

    for name, program in session_flows().items():
        sessions.add(program)

    # Tokens for the framer: the dictionary's group and data fields, header tags, MsgTypes.
    dictionary = os.path.join(repo, "Sources", "FIX", "Resources", "FIX44.xml")
    if os.path.exists(dictionary):
        with open(dictionary, "rb") as f:
            xml = f.read()
        for number, ftype in re.findall(rb'<field number="(\d+)" name="[^"]*" type="(NUMINGROUP|LENGTH|DATA)"', xml):
            tokens.add(SOH + number + b"=")
        for msg_type in re.findall(rb'msgtype="([^"]+)"', xml):
            tokens.add(SOH + b"35=" + msg_type + SOH)
    for t in (b"8=FIX.4.4\x01", b"8=FIXT.1.1\x01", b"\x019=", b"\x0110=", b"\x0134=", b"\x0149=", b"\x0152=",
              b"\x0156=", b"\x0143=Y", b"\x01122=", b"\x01369=", b"\x0158=", b"20240808-12:00:00.000",
              b"20240808-12:00:00", b"\x0155=", b"\x0144=", b"\x0138=", b"\x0154=", b"\x0140="):
        tokens.add(t)
    with open(os.path.join(out, "frame.dict"), "w") as f:
        for t in sorted(tokens):
            f.write('"' + "".join("\\x%02X" % c if c < 32 or c > 126 or c in b'"\\' else chr(c) for c in t) + '"\n')

    print("make_corpus.py: %d frame seeds, %d session seeds, %d dictionary tokens (%d conformance scripts)"
          % (frames.count, sessions.count, len(tokens), len(scripts)))


if __name__ == "__main__":
    main()
