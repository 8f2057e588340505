#!/usr/bin/env python3
"""The helper of maker-crash.sh (standard library only).

  maker_crash.py kill --pid PID --mode burst|reconciling|early ...
      waits for the instant the mode names, kills PID with SIGKILL and prints one line saying
      when and in which phase of the market maker the kill landed;
  maker_crash.py check --exchange-log DIR --maker-log DIR --replay FILE --summary FILE ...
      reads the FIX logs of both sides, the exchange's logs as `mm replay --json` read them and
      the market maker's JSON summary, and prints one PASS or FAIL line per check, with the
      figures, followed by indented details.

FIX message logs are the engine's `YYYYMMDD-HH:MM:SS.ffffff : <message>` lines (SOH kept);
event logs the same with a text.
"""

import argparse
import calendar
import json
import os
import random
import re
import signal
import sys
import time
from decimal import Decimal

SOH = "\x01"

# ---------------------------------------------------------------------------------------------
# Logs


_seconds = {}


def log_time(line):
    """Seconds since the epoch of a log line's `YYYYMMDD-HH:MM:SS.ffffff` stamp (UTC)."""
    whole = line[:17]
    if whole not in _seconds:
        _seconds[whole] = calendar.timegm(time.strptime(whole, "%Y%m%d-%H:%M:%S"))
    return _seconds[whole] + float("0" + line[17:24])


def read_messages(path):
    """Each message of a message log as (time, line number, {tag: value}); repeated tags keep
    their first value (the fields read here are not in repeating groups)."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path, "r", encoding="latin-1") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if len(line) < 28 or line[24:27] != " : ":
                continue
            fields = {}
            for field in line[27:].split(SOH):
                tag, sep, value = field.partition("=")
                if sep and tag not in fields:
                    fields[tag] = value
            out.append((log_time(line), number, fields))
    return out


def read_events(path):
    """Each line of an event log as (time, text)."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path, "r", encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if len(line) >= 27 and line[24:27] == " : ":
                out.append((log_time(line), line[27:]))
    return out


def session_files(directory, sender, target):
    name = f"FIX.4.4-{sender}-{target}"
    return (os.path.join(directory, name + ".messages.log"), os.path.join(directory, name + ".event.log"))


# ---------------------------------------------------------------------------------------------
# kill


def new_text(path, offset):
    """What was appended to `path` after `offset` bytes."""
    try:
        with open(path, "r", encoding="latin-1") as f:
            f.seek(offset)
            return f.read()
    except OSError:
        return ""


def phase(events_path, events_offset):
    """Where the market maker was, from its event log lines after `events_offset`."""
    text = new_text(events_path, events_offset)
    last = "not connected"
    for line in text.splitlines():
        if "Reconciled with the venue" in line:
            last = "quoting (reconciled)"
        elif "Reconciling with the venue" in line:
            last = "reconciling"
        elif "Received logon response" in line:
            last = "logged on"
        elif "Connected to" in line:
            last = "connected, logging on"
        elif "Disconnected" in line:
            last = "disconnected"
    return last


def command_kill(a):
    rng = random.Random(a.seed)
    start = a.start
    deadline = start + a.timeout
    note = ""
    if a.mode == "early":
        delay = rng.uniform(a.early_min, a.early_max)
        time.sleep(max(0.0, start + delay - time.time()))
        note = "at a random instant"
    elif a.mode == "reconciling":
        # The reconciliation takes a few milliseconds: poll the event log closely and kill a
        # random 0-5 ms after it starts.
        seen = False
        while time.time() < deadline:
            if "Reconciling with the venue" in new_text(a.events, a.events_offset):
                seen = True
                break
            time.sleep(0.001)
        if seen:
            time.sleep(rng.uniform(0, 0.005))
            note = "as the reconciliation started"
        else:
            note = f"no reconciliation within {a.timeout:g} s"
    else:
        # A burst: `burst_fills` fills to MAKER within `burst_window` seconds in the log watched;
        # the kill follows at once, while the burst goes on.
        times = []
        consumed = a.fills_offset
        pending = ""
        seen = False
        while time.time() < deadline:
            chunk = new_text(a.fills, consumed)
            consumed += len(chunk.encode("latin-1"))
            pending += chunk
            lines = pending.split("\n")
            pending = lines.pop()
            now = time.time()
            for line in lines:
                if SOH + "35=8" + SOH in line and SOH + "150=F" + SOH in line and SOH + "56=MAKER" + SOH in line:
                    times.append(now)
            times = [t for t in times if now - t <= a.burst_window]
            if len(times) >= a.burst_fills and now - start >= a.min_delay:
                seen = True
                break
            time.sleep(0.01)
        note = f"in a burst of fills ({len(times)} in {a.burst_window:g} s)" if seen else \
            f"no burst of {a.burst_fills} fills within {a.timeout:g} s"
    try:
        os.kill(a.pid, signal.SIGKILL)
        killed = True
    except ProcessLookupError:
        killed = False
    elapsed = time.time() - start
    time.sleep(0.05)
    where = phase(a.events, a.events_offset)
    if killed:
        print(f"killed {elapsed:.2f} s after its start, {note}; market maker: {where}")
    else:
        print(f"already ended after {elapsed:.2f} s ({note}); market maker: {where}")
    return 0 if killed else 1


# ---------------------------------------------------------------------------------------------
# check


class Report:
    def __init__(self):
        self.lines = []
        self.failed = 0
        self.passed = 0

    def result(self, ok, text, details=()):
        self.lines.append(("PASS " if ok else "FAIL ") + text)
        self.lines.extend("  " + d for d in details)
        if ok:
            self.passed += 1
        else:
            self.failed += 1

    def info(self, text):
        self.lines.append("  " + text)


def fills_of(messages):
    """The fills to MAKER among the exchange's messages: ExecID -> (MsgSeqNum, signed lots)."""
    fills = {}
    for _, _, m in messages:
        if m.get("49") != "EXCH" or m.get("56") != "MAKER" or m.get("35") != "8" or m.get("150") != "F":
            continue
        qty = Decimal(m.get("32", "0"))
        signed = qty if m.get("54") == "1" else -qty
        seq = int(m.get("34", "0"))
        execid = m.get("17", "")
        if execid not in fills or seq < fills[execid][0]:
            fills[execid] = (seq, signed)
    return fills


def handled_through(maker_messages, times):
    """For each time of `times` (sorted), the highest MsgSeqNum S such that the market maker had
    received every message of the exchange up to S by then (its log at or before that time;
    gap fills cover their range)."""
    incoming = [(t, m) for t, _, m in maker_messages if m.get("49") == "EXCH" and m.get("56") == "MAKER"]
    covered = set()
    expected = 1
    out = []
    i = 0
    for t in times:
        while i < len(incoming) and incoming[i][0] <= t:
            m = incoming[i][1]
            seq = int(m.get("34", "0"))
            if m.get("35") == "4" and m.get("123") == "Y" and "36" in m:
                covered.update(range(seq, int(m["36"])))
            else:
                covered.add(seq)
            i += 1
        while expected in covered:
            covered.discard(expected)
            expected += 1
        covered = {s for s in covered if s >= expected}
        out.append(expected - 1)
    return out


RECONCILED = re.compile(r"Reconciled with the venue \((\d+) difference\(s\) so far\): position (-?\d+), (\d+) orders")
RECONCILING = re.compile(r"Reconciling with the venue before quoting: position (-?\d+), (\d+) orders")

# Differences a reconciliation may report, and whether the journal could have avoided them.
KINDS = [
    ("position differs", "position differs", True),
    ("unknown to the market maker", "venue order unknown to the market maker", True),
    ("venue cannot reconcile", "venue cannot reconcile (fallback)", False),
    ("venue gives no positions", "venue gives no positions", False),
    ("unknown to the venue", "order unknown to the venue", False),
    ("had not booked", "fills the market maker had not booked", False),
    ("not answered in time", "answers not in time", False),
    ("not all answered in time", "fallback cancels not answered in time", False),
]


def kind_of(text):
    for needle, name, journal in KINDS:
        if needle in text:
            return name, journal
    return "other: " + text[:80], False


def command_check(a):
    r = Report()
    lot = Decimal(a.lot_size)
    ex_messages_path, _ = session_files(a.exchange_log, "EXCH", "MAKER")
    mk_messages_path, mk_events_path = session_files(a.maker_log, "MAKER", "EXCH")
    ex = read_messages(ex_messages_path)
    mk = read_messages(mk_messages_path)
    events = read_events(mk_events_path)
    try:
        with open(a.replay) as f:
            replay = json.load(f)
    except (OSError, ValueError) as e:
        replay = None
        r.result(False, f"mm replay --json of the exchange's logs could not be read: {e}")
    summary = None
    try:
        with open(a.summary) as f:
            for line in f:
                if line.startswith("{"):
                    summary = json.loads(line)
    except (OSError, ValueError):
        pass

    # 1. ClOrdIDs: none refused as a duplicate by the exchange, none used twice by the maker.
    refused = []
    last_request = {}
    for t, number, m in ex:
        kind = m.get("35")
        if m.get("49") == "MAKER" and kind in ("D", "G", "F", "q"):
            last_request[m.get("11")] = (number, m.get("43") == "Y", kind)
        elif m.get("49") == "EXCH" and kind in ("8", "9"):
            duplicate = (kind == "8" and m.get("103") == "6") or (kind == "9" and m.get("102") == "6") \
                or "Duplicate ClOrdID" in m.get("58", "")
            if duplicate:
                request = last_request.get(m.get("11"))
                how = "unknown request" if request is None else \
                    f"{request[2]} at line {request[0]}{' (a PossDupFlag resend)' if request[1] else ''}"
                refused.append(f"{m.get('11')}: refused at line {number} of {os.path.basename(ex_messages_path)}, "
                               f"answering the {how}")
    used = {}
    reused = []
    requests = 0
    for t, number, m in mk:
        if m.get("49") == "MAKER" and m.get("35") in ("D", "G", "F", "q") and m.get("43") != "Y":
            requests += 1
            clordid = m.get("11")
            if clordid in used:
                reused.append(f"{clordid}: line {used[clordid]} and line {number} of {os.path.basename(mk_messages_path)}")
            else:
                used[clordid] = number
    r.result(not refused and not reused,
             f"ClOrdIDs: {requests} requests of the market maker, {len(used)} ClOrdIDs, {len(reused)} used twice, "
             f"{len(refused)} refused by the exchange as duplicates",
             (refused + reused)[:10])

    # 2. Position and volume: the market maker's summary against the exchange's logs.
    venue = None
    if replay is not None:
        for p in replay.get("positions", []):
            if p.get("owner") == "MAKER" and p.get("symbol") == a.symbol:
                venue = p
    own = fills_of(ex)
    own_position = sum((s for _, s in own.values()), Decimal(0)) / lot
    own_volume = sum((abs(s) for _, s in own.values()), Decimal(0)) / lot
    if summary is None:
        r.result(False, f"position: no JSON summary from the market maker's last run ({a.summary})")
        r.result(False, "volume: no JSON summary from the market maker's last run")
    else:
        if venue is None:
            venue_position, venue_volume, venue_fills = Decimal(0), Decimal(0), 0
        else:
            venue_position = Decimal(venue["position"]) / lot
            venue_volume = (Decimal(venue["bought"]) + Decimal(venue["sold"])) / lot
            venue_fills = venue["fills"]
        details = []
        if (venue_position, venue_volume) != (own_position, own_volume):
            details.append(f"(the exchange's fill reports read here give position {own_position}, volume {own_volume})")
        r.result(summary["finalPosition"] == venue_position,
                 f"position: market maker {summary['finalPosition']}, venue {venue_position} (mm replay of the exchange's logs)",
                 details)
        volume = f"volume: market maker {summary['volumeLots']} lots in {summary['fills']} fills, " \
                 f"venue {venue_volume} lots in {venue_fills} fills"
        if a.journal_lost > 0:
            # The runs before a deleted journal are not in the summary: it can only fall short.
            r.result(summary["volumeLots"] <= venue_volume,
                     volume + " (journal deleted: the market maker's may be less, never more)")
        else:
            r.result(summary["volumeLots"] == venue_volume, volume)

    # 3. No order of the market maker working at the venue at the end.
    done = {"filled", "canceled", "rejected", "expired", "doneForDay", "sessionRejected", "businessRejected"}
    if replay is not None:
        chains = [o for o in replay.get("orders", []) if o.get("owner") == "MAKER"]
        working = [o for o in chains if o.get("status") not in done]
        statuses = {}
        for o in chains:
            statuses[o.get("status")] = statuses.get(o.get("status"), 0) + 1
        r.result(not working,
                 f"orders at the end: {len(chains)} orders of the market maker at the venue, {len(working)} still working "
                 f"({', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))})",
                 [f"{o['id']} ({o.get('side')} {o.get('leavesQty')} at {o.get('price')}): {o.get('status')}, "
                  f"last ClOrdID {o['clOrdIDs'][-1]}" for o in working[:10]])

    # 4. Each reconciliation: the position it ends with is the venue's at that point, and the
    #    differences it found.
    rounds = []
    current = None
    for t, text in events:
        m = RECONCILING.search(text)
        if m:
            current = {"time": t, "before": int(m.group(1)), "warnings": []}
            rounds.append(current)
            continue
        if current is None:
            continue
        if text.startswith("Reconciliation: "):
            current["warnings"].append(text[len("Reconciliation: "):])
        m = RECONCILED.search(text)
        if m:
            current["end"] = t
            current["position"] = int(m.group(2))
            current["orders"] = int(m.group(3))
            current = None
    finished = [x for x in rounds if "end" in x]
    through = handled_through(mk, [x["end"] for x in finished])
    by_seq = sorted((seq, signed) for seq, signed in own.values())
    mismatches = []
    kinds = {}
    avoidable = []
    for x, s in zip(finished, through):
        x["seq"] = s
        x["venue"] = sum((signed for seq, signed in by_seq if seq <= s), Decimal(0)) / lot
        if x["venue"] != x["position"]:
            mismatches.append(x)
    for x in rounds:
        for w in x["warnings"]:
            name, journal = kind_of(w)
            kinds[name] = kinds.get(name, 0) + 1
            if journal:
                avoidable.append((x, w))
    unfinished = len(rounds) - len(finished)
    details = []
    for x in finished:
        stamp = time.strftime("%H:%M:%S", time.gmtime(x["end"])) + f".{int(x['end'] * 1e6) % 1000000:06d}"
        details.append(f"{stamp}: recovered/held position {x['before']}, reconciled position {x['position']}, "
                       f"venue {x['venue']} (its reports through MsgSeqNum {x['seq']})"
                       + ("" if x["venue"] == x["position"] else "  <-- differs"))
    for name, count in sorted(kinds.items()):
        details.append(f"differences reported: {name}: {count}")
    for x, w in avoidable:
        details.append(f"a difference the journal should have avoided: {w}")
    journal_lost = a.journal_lost > 0
    ok = not mismatches and (journal_lost or not avoidable) and finished
    label = f"reconciliations: {len(finished)} completed ({unfinished} cut short by a kill), " \
            f"{len(finished) - len(mismatches)} ended at the venue's position, {len(mismatches)} not; " \
            f"{len(avoidable)} position or order differences the journal should have avoided"
    if journal_lost:
        label += f" (journal deleted {a.journal_lost} time(s): such differences expected)"
    r.result(bool(ok), label, details)

    # What the exchange refused besides duplicates (for the report; not a check).
    unknown = sum(1 for _, _, m in ex if m.get("49") == "EXCH" and m.get("35") == "9" and m.get("102") == "1")
    rejects = sum(1 for _, _, m in ex if m.get("49") == "EXCH" and m.get("35") == "8" and m.get("150") == "8")
    too_late = sum(1 for _, _, m in ex if m.get("49") == "EXCH" and m.get("35") == "9" and m.get("102") == "0")
    r.info(f"exchange: {len(own)} fills to MAKER, {rejects} orders rejected, {too_late} cancels/replaces too late, "
           f"{unknown} cancels/replaces of orders it did not know")

    print("\n".join(r.lines))
    return 0 if r.failed == 0 else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    k = sub.add_parser("kill", help="kill a process at an instant of interest")
    k.add_argument("--pid", type=int, required=True)
    k.add_argument("--mode", choices=["burst", "reconciling", "early"], required=True)
    k.add_argument("--start", type=float, required=True, help="when the process was started (epoch seconds)")
    k.add_argument("--fills", required=True, help="message log where the fills to MAKER are watched")
    k.add_argument("--fills-offset", type=int, default=0)
    k.add_argument("--events", required=True, help="the market maker's event log")
    k.add_argument("--events-offset", type=int, default=0)
    k.add_argument("--burst-fills", type=int, default=3)
    k.add_argument("--burst-window", type=float, default=0.25)
    k.add_argument("--min-delay", type=float, default=0.5, help="burst: seconds after the start before a burst counts")
    k.add_argument("--early-min", type=float, default=0.3)
    k.add_argument("--early-max", type=float, default=1.5)
    k.add_argument("--timeout", type=float, default=10)
    k.add_argument("--seed", type=int)
    c = sub.add_parser("check", help="check the end of a scenario")
    c.add_argument("--exchange-log", required=True)
    c.add_argument("--maker-log", required=True)
    c.add_argument("--replay", required=True, help="mm replay --json of the exchange's logs")
    c.add_argument("--summary", required=True, help="output of the market maker's last run (its JSON line)")
    c.add_argument("--symbol", default="SYNTH")
    c.add_argument("--lot-size", default="1")
    c.add_argument("--journal-lost", type=int, default=0, help="times the market maker's journal was deleted")
    a = parser.parse_args()
    return command_kill(a) if a.command == "kill" else command_check(a)


if __name__ == "__main__":
    sys.exit(main())
