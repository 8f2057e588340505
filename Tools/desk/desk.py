#!/usr/bin/env python3
"""A desk under one firm limit (standard library only): one redis-server, one `mm exchange`, three
`mm quote` engines that share the firm's limit on one instrument, and faults injected mid-run.

  desk.py --mm PATH --work DIR [--seconds-per-phase N]

The firm's cap on SYNTH is 30 lots; each engine asks for a share of 12 (--firm-share 12, a
lease of 3 s renewed every second), so together they ask for more than the cap, and quote a
5-level ladder of one lot a side against a synthetic market moving fast enough to fill them.
A monitor samples every 100 ms, all along:

  - the leases in Redis (unexpired): their sum never above the cap, except by what an engine
    holds beyond its grant (the lease records what an engine holds, and that is a fact);
  - each live engine's worst-case position (position plus open orders, the worse side: what
    the risk gate counts, from its metrics) and the share it may use now: the worst cases of the
    live engines together never above the cap.

The phases, each a few seconds (default 6):

  1. all three quote;
  2. redis-server is killed (SIGKILL) and restarted at once: the leases survive in its
     append-only file and no engine's share lapses;
  3. engine MAKER2 is killed (SIGKILL) and restarted at once: its journal gives back its
     position, its lease (its CompID's) is still there, and it quotes again;
  4. an engine holding its whole share is killed for good: its lease ends after 3 s, and the
     engine short of its share is granted more (the dead engine's orders were canceled by the
     exchange, CancelOnDisconnect=Y);
  5. redis-server is killed for longer than a lease: every engine's share lapses to 0 and its
     worst case stops growing (only reducing orders); redis-server restarts, and the engines
     are granted shares again;
  6. the two live engines stop (SIGTERM): exit status 0, each with its JSON summary.

Then a group: `mm exchange --correlated` (three instruments, a book each) and two engines, on
ALPHA (near 100.00) and BETA (near 50.00), in one firm group `crypto` capped at 1,000 of
worst-case value, each asking for 600: shares of 600 and 400, and their worst-case values
together within the cap all along (2% above it allowed for the prices' moves since the orders
were approved).

Prints one PASS or FAIL line per check and `N passed, N failed`; exit status 0 only when all pass.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

CAP = 30
SHARE = 12
SYMBOL = "SYNTH"
ENGINES = ["MAKER1", "MAKER2", "MAKER3"]
MARGIN_BAR = 1  # seconds of market time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def resp(port, *args, timeout=1.0):
    """One Redis command over a fresh connection; the reply as Python values (None on error)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        s.sendall(out)
        f = s.makefile("rb")

        def read():
            line = f.readline()
            if not line:
                raise ConnectionError("closed")
            kind, rest = line[:1], line[1:-2]
            if kind == b"+":
                return rest.decode()
            if kind == b"-":
                raise RuntimeError(rest.decode())
            if kind == b":":
                return int(rest)
            if kind == b"$":
                n = int(rest)
                if n < 0:
                    return None
                data = f.read(n + 2)[:-2]
                return data.decode()
            if kind == b"*":
                n = int(rest)
                return None if n < 0 else [read() for _ in range(n)]
            raise RuntimeError("bad reply %r" % line)

        return read()


def terminate(process, timeout):
    """SIGTERM, then the exit status; killed and None when it has not exited within `timeout` s."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        return None


class Redis:
    def __init__(self, work, port):
        self.work, self.port, self.process = work, port, None
        os.makedirs(work, exist_ok=True)

    def start(self):
        self.log = open(os.path.join(self.work, "redis.log"), "a")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.work,
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                if resp(self.port, "PING") == "PONG":
                    return
            except (OSError, RuntimeError):  # not listening yet, or still loading its file
                pass
            time.sleep(0.02)
        raise SystemExit("desk.py: redis-server did not start (log: %s)" % self.log.name)

    def kill(self):
        if self.process:
            self.process.kill()
            self.process.wait()
            self.process = None


class Exchange:
    """`mm exchange` in `work` on `port` for `sessions` (CancelOnDisconnect=Y), over `market`
    (its options); `durable` gives it file stores and logs."""

    def __init__(self, mm, work, port, sessions, market, durable=False):
        self.work = work
        os.makedirs(work, exist_ok=True)
        files = "FileStorePath=store\nFileLogPath=log\nFileStoreSync=never\n" if durable else ""
        with open(os.path.join(work, "exchange.cfg"), "w") as f:
            f.write("[DEFAULT]\nConnectionType=acceptor\nSenderCompID=EXCH\nSocketAcceptAddress=127.0.0.1\n"
                    "SocketAcceptPort=%d\n%sCancelOnDisconnect=Y\n" % (port, files)
                    + "".join("\n[SESSION]\nTargetCompID=%s\n" % name for name in sessions))
        self.out = os.path.join(work, "exchange.out")
        self.process = subprocess.Popen([mm, "exchange", "--config", "exchange.cfg"] + market + ["--status-interval", "5"],
                                        cwd=work, stdout=open(self.out, "w"),
                                        stderr=open(os.path.join(work, "exchange.err"), "w"))
        if not wait_for(lambda: "listening" in open(self.out).read(), 20):
            self.stop()
            raise SystemExit("desk.py: mm exchange did not start listening (see %s)" % work)

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        """SIGTERM, then its exit status (None: killed after 20 s, or it had already died)."""
        return terminate(self.process, 20) if self.alive() else None


class Engine:
    def __init__(self, name, mm, work, exchange_port, redis_port, symbol=SYMBOL, extra=None):
        self.name, self.mm, self.work = name, mm, os.path.join(work, name)
        self.symbol = symbol
        self.extra = extra
        self.exchange_port, self.redis_port = exchange_port, redis_port
        self.process, self.metrics_port, self.starts = None, None, 0
        os.makedirs(self.work, exist_ok=True)
        with open(os.path.join(self.work, "maker.cfg"), "w") as f:
            f.write(f"""[SESSION]
ConnectionType=initiator
SenderCompID={name}
TargetCompID=EXCH
SocketConnectHost=127.0.0.1
SocketConnectPort={exchange_port}
ReconnectInterval=1
FileStorePath=store
FileLogPath=log
FileStoreSync=never
""")

    def start(self):
        self.starts += 1
        self.metrics_port = free_port()
        out = open(os.path.join(self.work, "quote-%d.out" % self.starts), "w")
        err = open(os.path.join(self.work, "quote-%d.err" % self.starts), "w")
        self.out_path = out.name
        options = self.extra if self.extra is not None else [
            "--firm-share", str(SHARE), "--margin-feed", "redis://127.0.0.1:%d" % self.redis_port,
            "--margin-bar", str(MARGIN_BAR)]
        self.process = subprocess.Popen(
            [self.mm, "quote", "--config", "maker.cfg", "--symbol", self.symbol, "--tick-size", "0.01",
             "--levels", "5", "--lots", "1", "--stop-limit", "10",
             "--firm-limits", "redis://127.0.0.1:%d" % self.redis_port, "--firm-lease-ttl", "3"] + options
            + ["--metrics-port", str(self.metrics_port), "--json", "--status-interval", "5", "--reconcile-timeout", "5"],
            cwd=self.work, stdout=out, stderr=err)

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def metrics(self):
        """The engine's worst case, position, share available and granted, margin figures; None when unreachable."""
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.metrics_port, timeout=0.5) as r:
                text = r.read().decode()
        except OSError:
            return None
        values = {}
        for line in text.splitlines():
            if line.startswith("mm_margin_feed_delay_seconds"):
                key, _, value = line.rpartition(" ")
                try:
                    values[key.replace("mm_margin_feed_delay_seconds", "delay")] = float(value)
                except ValueError:
                    pass
        for line in text.splitlines():
            if line.startswith("#") or " " not in line:
                continue
            key, _, value = line.rpartition(" ")
            name = key.split("{")[0]
            if key.startswith("mm_firm_share_granted{") and 'limit="group:' in key:
                try:
                    values["group_granted"] = float(value)
                except ValueError:
                    pass
                continue
            if name in ("mm_maker_worst_case_lots", "mm_maker_worst_case_value", "mm_maker_position_lots", "mm_firm_share_available",
                        "mm_firm_share_granted", "mm_maker_fills_total", "mm_fix_session_logged_on",
                        "mm_margin_feed_safe_mode", "mm_margin_feed_version"):
                try:
                    values[name] = float(value)
                except ValueError:
                    pass
        return values

    def kill(self):
        self.process.kill()
        self.process.wait()

    def stop(self):
        return terminate(self.process, 30)


def leases(redis_port):
    """The unexpired leases in Redis: engine -> lots; None when Redis cannot be reached."""
    try:
        now = resp(redis_port, "TIME")
        now_ms = int(now[0]) * 1000 + int(now[1]) // 1000
        raw = resp(redis_port, "HGETALL", "firm:%s:leases" % SYMBOL) or []
    except (OSError, RuntimeError, ConnectionError):
        return None
    out = {}
    for i in range(0, len(raw) - 1, 2):
        amount, _, expires = raw[i + 1].partition(":")
        if int(expires) > now_ms:
            out[raw[i]] = int(amount)
    return out


class Monitor(threading.Thread):
    """Samples leases and engines every 100 ms; keeps the worst figures and any breach."""

    def __init__(self, redis_port, engines):
        super().__init__(daemon=True)
        self.redis_port, self.engines = redis_port, engines
        self.stopping = threading.Event()
        self.samples = 0
        self.max_leases = 0
        self.max_worst_sum = 0.0
        self.breaches = []
        self.last = {}
        self.history = []  # (time, phase, {engine: metrics}, leases)
        self.phase = "1"

    def run(self):
        while not self.stopping.is_set():
            held = leases(self.redis_port)
            figures = {e.name: e.metrics() for e in self.engines if e.alive()}
            figures = {k: v for k, v in figures.items() if v}
            worst_sum = sum(v.get("mm_maker_worst_case_lots", 0) for v in figures.values())
            self.max_worst_sum = max(self.max_worst_sum, worst_sum)
            if worst_sum > CAP:
                self.breaches.append("phase %s: live engines' worst cases sum to %g > %d: %s"
                                     % (self.phase, worst_sum, CAP, figures))
            if held is not None:
                total = sum(held.values())
                self.max_leases = max(self.max_leases, total)
                if total > CAP:
                    self.breaches.append("phase %s: leases in Redis sum to %d > %d: %s" % (self.phase, total, CAP, held))
            self.last = figures
            self.history.append((time.time(), self.phase, figures, held))
            self.samples += 1
            time.sleep(0.1)


def wait_for(predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


GROUP_CAP = 1_000  # quote currency: 10 lots of ALPHA at 100.00, or 20 of BETA at 50.00
GROUP_SHARE = 600


def group_scenario(mm, work, seconds, check):
    """Two engines on two instruments of the correlated market (ALPHA near 100.00, BETA near
    50.00) share one firm group limit of 1,000 of worst-case value, each asking for 600: the
    first gets 600, the second 400. Sampled every 100 ms, their worst-case values together stay
    within the cap (2% above it allowed for the prices' moves since the orders were approved)."""
    redis_port, exchange_port = free_port(), free_port()
    redis = Redis(os.path.join(work, "redis"), redis_port)
    redis.start()
    resp(redis_port, "SET", "firm:group:crypto:cap", GROUP_CAP)
    for symbol in ("ALPHA", "BETA"):
        resp(redis_port, "SET", "firm:%s:cap" % symbol, 100)
    group = ["--firm-share", "100", "--firm-group", "crypto", "--firm-group-share", str(GROUP_SHARE)]
    engines = [Engine("GROUP1", mm, work, exchange_port, redis_port, symbol="ALPHA", extra=group),
               Engine("GROUP2", mm, work, exchange_port, redis_port, symbol="BETA", extra=group)]
    exchange = None
    try:
        exchange = Exchange(mm, os.path.join(work, "exchange"), exchange_port, ["GROUP1", "GROUP2"], ["--correlated", "--speed", "50"])
        engines[0].start()
        wait_for(lambda: (engines[0].metrics() or {}).get("group_granted", 0) > 0, 20)
        engines[1].start()
        on = wait_for(lambda: all((e.metrics() or {}).get("mm_fix_session_logged_on", 0) == 1 for e in engines), 30)
        worst, samples, breaches = 0.0, 0, []
        deadline = time.time() + seconds
        while time.time() < deadline:
            values = [(e.metrics() or {}).get("mm_maker_worst_case_value", 0) for e in engines]
            total = sum(values)
            worst = max(worst, total)
            samples += 1
            if total > GROUP_CAP * 1.02:
                breaches.append("%g + %g = %g" % (values[0], values[1], total))
            time.sleep(0.1)
        granted = [(e.metrics() or {}).get("group_granted") for e in engines]
        fills = [(e.metrics() or {}).get("mm_maker_fills_total", 0) for e in engines]
        check(on and granted == [GROUP_SHARE, GROUP_CAP - GROUP_SHARE] and all(f > 0 for f in fills),
              "group: ALPHA and BETA engines under one group cap of %d: shares %s, fills %s" % (GROUP_CAP, granted, fills))
        check(samples > 20 and not breaches and worst > 0,
              "group: %d samples, the two engines' worst-case values at most %.1f together (cap %d)%s"
              % (samples, worst, GROUP_CAP, "".join("\n    " + b for b in breaches[:10])))
        for e in engines:
            status = e.stop()
            check(status == 0, "group: %s stopped with status %s" % (e.name, status))
    finally:
        for e in engines:
            if e.alive():
                e.process.kill()
        if exchange:
            exchange.stop()
        redis.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mm", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--seconds-per-phase", type=float, default=6)
    args = parser.parse_args()
    phase_seconds = args.seconds_per_phase
    args.mm = os.path.abspath(args.mm)
    work = os.path.abspath(args.work)
    # A run starts from nothing: journals or stores left by an earlier run would be recovered.
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    results = []

    def check(ok, text):
        results.append(ok)
        print(("PASS " if ok else "FAIL ") + text, flush=True)

    redis_port, exchange_port = free_port(), free_port()
    redis = Redis(os.path.join(work, "redis"), redis_port)
    redis.start()
    resp(redis_port, "SET", "firm:%s:cap" % SYMBOL, CAP)
    # The margin service takes the market over FIX from the same exchange.
    os.makedirs(os.path.join(work, "margin"), exist_ok=True)
    with open(os.path.join(work, "margin", "margin.cfg"), "w") as f:
        f.write(f"""[SESSION]
ConnectionType=initiator
SenderCompID=MARGIN
TargetCompID=EXCH
SocketConnectHost=127.0.0.1
SocketConnectPort={exchange_port}
ReconnectInterval=1
FileLogPath=log
""")
    exchange, margin = None, None
    engines = [Engine(name, args.mm, work, exchange_port, redis_port) for name in ENGINES]
    monitor = Monitor(redis_port, engines)
    try:
        exchange = Exchange(args.mm, os.path.join(work, "exchange"), exchange_port, ENGINES + ["MARGIN"],
                            ["--format", "synthetic", "--days", "1000", "--speed", "200"], durable=True)
        margin = subprocess.Popen(
            [args.mm, "margin", "--config", "margin.cfg", "--symbol", SYMBOL, "--redis", "redis://127.0.0.1:%d" % redis_port,
             "--bar", str(MARGIN_BAR), "--warmup-bars", "5"],
            cwd=os.path.join(work, "margin"), stdout=open(os.path.join(work, "margin", "margin.out"), "w"),
            stderr=open(os.path.join(work, "margin", "margin.err"), "w"))
        for e in engines:
            e.start()
        monitor.start()

        # 1. All three quote under the cap.
        logged_on = wait_for(lambda: all((e.metrics() or {}).get("mm_fix_session_logged_on", 0) == 1 for e in engines), 30)
        check(logged_on, "phase 1: the three engines logged on")
        time.sleep(phase_seconds)
        held = leases(redis_port) or {}
        granted = {e.name: (e.metrics() or {}).get("mm_firm_share_granted", -1) for e in engines}
        check(sum(granted.values()) == CAP and sorted(granted.values()) == [CAP - 2 * SHARE, SHARE, SHARE],
              "phase 1: shares granted %s (asked %d each, cap %d); leases in Redis %s" % (granted, SHARE, CAP, held))
        fills = {e.name: (e.metrics() or {}).get("mm_maker_fills_total", 0) for e in engines}
        check(sum(fills.values()) > 0, "phase 1: the engines trade (fills %s)" % fills)

        rates = wait_for(lambda: all((e.metrics() or {}).get("mm_margin_feed_version", 0) > 0 for e in engines), 20)
        check(rates, "phase 1: every engine follows the margin service's rates (versions %s)"
              % {e.name: (e.metrics() or {}).get("mm_margin_feed_version") for e in engines})

        # The margin service's rates, market data to engine, while nothing fails.
        for e in engines:
            m = e.metrics() or {}
            print("margin rate, market data at the service -> %s (phase 1): %d rates, p50 %.3f ms, p99 %.3f ms"
                  % (e.name, m.get("delay_count", 0), m.get('delay{quantile="0.5"}', 0) * 1e3,
                     m.get('delay{quantile="0.99"}', 0) * 1e3))

        # 2. Redis killed and restarted at once.
        monitor.phase = "2"
        before = {e.name: (e.metrics() or {}).get("mm_firm_share_granted") for e in engines}
        redis.kill()
        time.sleep(0.3)
        redis.start()
        lapsed = []
        deadline = time.time() + phase_seconds
        while time.time() < deadline:
            for e in engines:
                m = e.metrics() or {}
                if before[e.name] and m.get("mm_firm_share_available", -1) == 0:
                    lapsed.append(e.name)
            time.sleep(0.1)
        after = leases(redis_port) or {}
        check(not lapsed and all(after.get(n, 0) >= (before[n] or 0) for n in before if before[n]),
              "phase 2: Redis restarted (append-only file): no share lapsed (%s), leases %s" % (lapsed or "none", after))

        # 3. MAKER2 killed and restarted at once.
        monitor.phase = "3"
        maker2 = engines[1]
        share2 = (maker2.metrics() or {}).get("mm_firm_share_granted", 0)
        maker2.kill()
        time.sleep(0.2)
        maker2.start()
        back = wait_for(lambda: (maker2.metrics() or {}).get("mm_fix_session_logged_on", 0) == 1, 30)
        time.sleep(phase_seconds)
        m2 = maker2.metrics() or {}
        check(back and m2.get("mm_firm_share_granted", -1) == share2,
              "phase 3: MAKER2 restarted, logged on again with its share (%s before, %s after)"
              % (share2, m2.get("mm_firm_share_granted")))

        # 4. An engine with its whole share killed for good: its lease ends, and the engine
        #    short of its share is granted more.
        monitor.phase = "4"
        shares = {e.name: (e.metrics() or {}).get("mm_firm_share_granted", 0) for e in engines}
        short = min(engines, key=lambda e: shares[e.name])
        victim = next(e for e in engines if e is not short)
        live = [e for e in engines if e is not victim]
        victim.kill()
        freed = wait_for(lambda: victim.name not in (leases(redis_port) or {victim.name: 0}), 10)
        grown = wait_for(lambda: (short.metrics() or {}).get("mm_firm_share_granted", 0) > shares[short.name], 10)
        time.sleep(max(0, phase_seconds - 4))
        check(freed and grown, "phase 4: %s killed: its lease ended (%s), %s's share grew from %s to %s"
              % (victim.name, "yes" if freed else "no", short.name, shares[short.name],
                 (short.metrics() or {}).get("mm_firm_share_granted")))

        # 5. Redis down for longer than a lease: shares lapse, worst cases stop growing.
        monitor.phase = "5"
        redis.kill()
        zero = wait_for(lambda: all((e.metrics() or {}).get("mm_firm_share_available", -1) == 0 for e in live), 10)
        time.sleep(1.0)  # the ladders pull the adding sides at the next market change
        at_lapse = {e.name: (e.metrics() or {}).get("mm_maker_worst_case_lots", 0) for e in live}
        time.sleep(3)
        later = {e.name: (e.metrics() or {}).get("mm_maker_worst_case_lots", 0) for e in live}
        check(zero and all(later[n] <= at_lapse[n] for n in later),
              "phase 5: Redis down past the lease: every share 0 (%s); worst cases did not grow (%s, 3 s later %s)"
              % ("yes" if zero else "no", at_lapse, later))
        redis.start()
        regranted = wait_for(lambda: all((e.metrics() or {}).get("mm_firm_share_available", 0) > 0 for e in live), 15)
        check(regranted, "phase 5: Redis back: shares granted again %s"
              % {e.name: (e.metrics() or {}).get("mm_firm_share_granted") for e in live})
        time.sleep(phase_seconds / 2)

        # 6. The live engines stop; the margin delays they measured.
        monitor.phase = "6"
        monitor.stopping.set()
        monitor.join()
        for e in live:
            m = e.metrics() or {}
            print("margin rate, market data at the service -> %s (whole run): %d rates, p50 %.3f ms, p99 %.3f ms"
                  % (e.name, m.get("delay_count", 0), m.get('delay{quantile="0.5"}', 0) * 1e3,
                     m.get('delay{quantile="0.99"}', 0) * 1e3))
        check(all((e.metrics() or {}).get("delay_count", 0) > 0 for e in live),
              "phase 6: the live engines applied margin rates and measured their delays")
        for e in live:
            status = e.stop()
            summary = None
            try:
                text = open(e.out_path).read()
                summary = json.loads(text[text.index("{"):]) if "{" in text else None
            except ValueError:
                pass
            check(status == 0 and summary is not None,
                  "phase 6: %s stopped with status %s and its summary (position %s, %s fills, %s orders denied for the firm limit)"
                  % (e.name, status, summary.get("finalPosition") if summary else None, summary.get("fills") if summary else None,
                     (summary or {}).get("riskDenials", {}).get("Firm limit: above this engine's share", 0)))
        check(monitor.samples > 20 and not monitor.breaches,
              "all along: %d samples, the live engines' worst cases at most %g together and the leases at most %d (cap %d)%s"
              % (monitor.samples, monitor.max_worst_sum, monitor.max_leases, CAP,
                 "".join("\n    " + b for b in monitor.breaches[:10])))
        status = terminate(margin, 20)
        out = open(os.path.join(work, "margin", "margin.out")).read()
        check(status == 0 and "rates published" in out, "phase 6: mm margin stopped with status %s: %s"
              % (status, " ".join(out.split("\n")[:2])))
        alive = exchange.alive()
        exchange_status = exchange.stop()
        check(alive and exchange_status == 0, "phase 6: mm exchange ran through every fault and stopped with status %s%s"
              % (exchange_status, "" if alive else " (it had died: see exchange/exchange.err)"))
    finally:
        monitor.stopping.set()
        if margin and margin.poll() is None:
            margin.kill()
        for e in engines:
            if e.alive():
                e.process.kill()
        if exchange:
            exchange.stop()
        redis.kill()
        with open(os.path.join(work, "samples.json"), "w") as f:
            json.dump(monitor.history, f)
    group_scenario(args.mm, os.path.join(work, "group"), phase_seconds * 2, check)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
