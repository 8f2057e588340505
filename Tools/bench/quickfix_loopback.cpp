// quickfix_loopback: the session benchmarks of Benchmarks/Benchmarks/SessionLoopback, on QuickFIX
// C++ 1.15 (Debian's libquickfix-dev), so that Tools/bench/run.sh can compare the two engines.
//
// One process holds an acceptor session (SELLSIDE) and an initiator session (BUYSIDE) that log on
// to each other over 127.0.0.1 on a free port. Both keep a FileStore (QuickFIX 1.15 never fsyncs
// it; there is no FileStoreSync setting in this version) in a temporary directory, log nothing
// (no LogFactory) and validate what they receive against the repository's Specs/FIX44.xml
// (UseDataDictionary=Y). Each scenario gets a fresh pair of sessions (ResetOnLogon=Y).
//
// 1. Throughput: the main thread sends NewOrderSingle messages through the initiator session in
//    batches of --batch (default 1000), as fast as the session takes them; the acceptor's
//    application counts them, checking that every ClOrdID arrives once and in order, and wakes
//    the main thread when a batch is complete; the next batch goes only then. --warmup-batches
//    (default 10) unmeasured, then --batches (default 300) measured, each timed from before its
//    first send to the main thread's wake-up.
// 2. Round trip: the main thread sends one NewOrderSingle, the acceptor's application answers
//    with an ExecutionReport (ExecType new), the initiator's application receives it and wakes the
//    main thread. --warmup-round-trips (default 1000) unmeasured, then --round-trips (default
//    100000) measured, each from before the send to the main thread's wake-up (what the engine's
//    benchmark measures); the time to the reply's arrival in the initiator's application is
//    reported too.
//
// Output, one figure a line (times in nanoseconds, percentiles by nearest rank):
//   connectors threaded
//   throughput_msgs_per_s OVERALL
//   throughput_batch_msgs_per_s p50 X p25 X p75 X min X max X batches N
//   roundtrip_ns p50 X p90 X p99 X max X samples N
//   roundtrip_to_app_ns p50 X p90 X p99 X max X samples N
// Exit status 0; 1 when a scenario fails (a timeout, a lost, repeated or rejected message);
// 2 on a usage or configuration error.
//
//   quickfix_loopback [--dictionary PATH] [--connectors threaded|polled] [--batch N] [--batches N]
//                     [--warmup-batches N] [--round-trips N] [--warmup-round-trips N]
//                     [--only throughput|roundtrip]
//
// --connectors: ThreadedSocketAcceptor/ThreadedSocketInitiator (default: a thread per connection
// that blocks in recv and dispatches straight to the application) or SocketAcceptor/
// SocketInitiator (one thread each, running a poll loop over its sockets). See
// Tools/bench/README.md for why threaded is the default.
//
// Build: g++ -std=c++14 -O2 -Wno-deprecated quickfix_loopback.cpp -o quickfix_loopback -lquickfix -lpthread
// (QuickFIX 1.15's Application interface uses dynamic exception specifications, so the overrides
// below carry them too; they are deprecated in C++11 and removed in C++17, hence -std=c++14.)
//
// This product includes software developed by quickfixengine.org (http://www.quickfixengine.org/).

#include <quickfix/Application.h>
#include <quickfix/Exceptions.h>
#include <quickfix/FileStore.h>
#include <quickfix/Message.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketAcceptor.h>
#include <quickfix/SocketInitiator.h>
#include <quickfix/ThreadedSocketAcceptor.h>
#include <quickfix/ThreadedSocketInitiator.h>
#include <quickfix/Values.h>
#include <quickfix/fix44/ExecutionReport.h>
#include <quickfix/fix44/NewOrderSingle.h>

#include "../interop/tool_support.hpp"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace {

using tools::absolutePath;
using tools::isFile;
using tools::defaultDictionary;

typedef std::chrono::steady_clock Clock;

/// How long any wait may take before the scenario counts as stuck.
const std::chrono::seconds kStuckAfter(10);

enum class Scenario { throughput, roundTrip };

/// What the command line asks for.
struct Options {
  std::string dictionary;
  bool threaded = true;
  long batch = 1000;
  long batches = 300;
  long warmupBatches = 10;
  long roundTrips = 100000;
  long warmupRoundTrips = 1000;
  bool runThroughput = true;
  bool runRoundTrip = true;
};

int64_t nanoseconds(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

/// Logon, logout and failures of one side; QuickFIX calls it from its connection threads, the
/// main thread waits on it. Its mutex is never held while calling into QuickFIX.
class Watcher : public FIX::Application {
public:
  explicit Watcher(const char* name) : name_(name) {}

  void onCreate(const FIX::SessionID&) override {}

  void onLogon(const FIX::SessionID& id) override {
    FIX::Session* session = FIX::Session::lookupSession(id);
    std::lock_guard<std::mutex> lock(mutex_);
    session_ = session;
    loggedOn_ = true;
    changed_.notify_all();
  }

  void onLogout(const FIX::SessionID&) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (loggedOn_) loggedOut_ = true;
    loggedOn_ = false;
    changed_.notify_all();
  }

  void toAdmin(FIX::Message&, const FIX::SessionID&) override {}
  void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}

  void fromAdmin(const FIX::Message& message, const FIX::SessionID&)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue,
            FIX::RejectLogon) override {
    const std::string& msgType = message.getHeader().getField(FIX::FIELD::MsgType);
    if (msgType == FIX::MsgType_Reject) fail("received a Reject: " + message.toString());
  }

  void fail(const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failure_.empty()) failure_ = name_ + ": " + text;
    changed_.notify_all();
  }

  /// Waits until `done` holds (called with the mutex held); false on a timeout or a failure.
  template <typename Predicate>
  bool waitFor(Predicate done, const std::string& what) {
    std::unique_lock<std::mutex> lock(mutex_);
    const Clock::time_point deadline = Clock::now() + kStuckAfter;
    while (!done() && failure_.empty()) {
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout && !done()) {
        if (failure_.empty()) failure_ = name_ + ": timed out waiting for " + what;
        return false;
      }
    }
    return failure_.empty();
  }

  std::string failure() {
    std::lock_guard<std::mutex> lock(mutex_);
    return failure_;
  }

  FIX::Session* session() {
    std::lock_guard<std::mutex> lock(mutex_);
    return session_;
  }

  bool waitLoggedOn() { return waitFor([this] { return loggedOn_; }, "the logon"); }
  bool waitLoggedOut() { return waitFor([this] { return loggedOut_; }, "the logout"); }

protected:
  const std::string name_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string failure_;
  FIX::Session* session_ = nullptr;
  bool loggedOn_ = false;
  bool loggedOut_ = false;
};

/// The acceptor's application: counts the orders (throughput) or answers each with an
/// ExecutionReport (round trip). Its counters are touched by the acceptor's connection thread
/// only, except `batchesDone_`, which is under the mutex.
class OrderDesk : public Watcher {
public:
  OrderDesk(Scenario scenario, long batch) : Watcher("acceptor"), scenario_(scenario), batch_(batch) {}

  void fromApp(const FIX::Message& message, const FIX::SessionID&)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue,
            FIX::UnsupportedMessageType) override {
    const std::string& msgType = message.getHeader().getField(FIX::FIELD::MsgType);
    if (msgType != FIX::MsgType_NewOrderSingle) {
      fail("unexpected message type " + msgType);
      return;
    }
    ++received_;
    const std::string& id = message.getField(FIX::FIELD::ClOrdID);
    if (scenario_ == Scenario::throughput) {
      // Every ClOrdID once and in order: T1, T2, ...
      if (id.empty() || id[0] != 'T' || std::strtol(id.c_str() + 1, nullptr, 10) != received_) {
        fail("expected ClOrdID T" + std::to_string(received_) + ", received " + id);
      }
      if (received_ % batch_ == 0) {
        std::lock_guard<std::mutex> lock(mutex_);
        ++batchesDone_;
        changed_.notify_all();
      }
      return;
    }
    FIX::Symbol symbol;
    FIX::Side side;
    FIX::OrderQty quantity;
    message.getField(symbol);
    message.getField(side);
    message.getField(quantity);
    FIX44::ExecutionReport report(FIX::OrderID("O" + std::to_string(received_)),
                                  FIX::ExecID("E" + std::to_string(received_)),
                                  FIX::ExecType(FIX::ExecType_NEW), FIX::OrdStatus(FIX::OrdStatus_NEW),
                                  side, FIX::LeavesQty(quantity.getValue()), FIX::CumQty(0),
                                  FIX::AvgPx(0));
    report.set(FIX::ClOrdID(id));
    report.set(symbol);
    // The session is known from onLogon, which came before any order.
    if (session_ == nullptr || !session_->send(report)) fail("cannot send the ExecutionReport");
  }

  /// Waits until `batches` batches have been counted.
  bool waitBatches(long batches) {
    return waitFor([this, batches] { return batchesDone_ >= batches; }, "a batch of orders to be counted");
  }

private:
  const Scenario scenario_;
  const long batch_;
  long received_ = 0;
  long batchesDone_ = 0;
};

/// The initiator's application: receives the ExecutionReports and wakes the main thread.
class OrderClient : public Watcher {
public:
  OrderClient() : Watcher("initiator") {}

  void fromApp(const FIX::Message& message, const FIX::SessionID&)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue,
            FIX::UnsupportedMessageType) override {
    const Clock::time_point arrived = Clock::now();
    const std::string& msgType = message.getHeader().getField(FIX::FIELD::MsgType);
    if (msgType != FIX::MsgType_ExecutionReport) {
      fail("unexpected message type " + msgType);
      return;
    }
    std::string id = message.getField(FIX::FIELD::ClOrdID);
    std::lock_guard<std::mutex> lock(mutex_);
    lastReplyClOrdID_ = std::move(id);
    arrived_ = arrived;
    ++replies_;
    changed_.notify_all();
  }

  /// Waits for reply number `count`; gives its ClOrdID and arrival time.
  bool waitReply(long count, std::string& clOrdID, Clock::time_point& arrived) {
    if (!waitFor([this, count] { return replies_ >= count; }, "an ExecutionReport")) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    clOrdID = lastReplyClOrdID_;
    arrived = arrived_;
    return true;
  }

private:
  long replies_ = 0;
  std::string lastReplyClOrdID_;
  Clock::time_point arrived_;
};

/// A port nobody listens on now: bound to port 0, read back, released.
int freePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address;
  std::memset(&address, 0, sizeof(address));
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

/// Both sessions in one settings file: an Acceptor takes the acceptor session, an Initiator the
/// initiator one. The socket settings are in [DEFAULT] because each connector checks its own
/// (SocketAcceptPort, SocketConnectPort) on every session of the file.
std::string settingsText(int port, const std::string& dictionary, const std::string& directory) {
  std::ostringstream out;
  out << "[DEFAULT]\n"
      << "BeginString=FIX.4.4\n"
      << "StartTime=00:00:00\n"
      << "EndTime=00:00:00\n"
      << "HeartBtInt=30\n"
      << "UseDataDictionary=Y\n"
      << "DataDictionary=" << dictionary << "\n"
      << "FileStorePath=" << directory << "/store\n"
      << "PersistMessages=Y\n"
      << "ResetOnLogon=Y\n"
      << "SocketNodelay=Y\n"
      << "SocketReuseAddress=Y\n"
      << "SocketAcceptHost=127.0.0.1\n"
      << "SocketAcceptPort=" << port << "\n"
      << "SocketConnectHost=127.0.0.1\n"
      << "SocketConnectPort=" << port << "\n"
      << "ReconnectInterval=1\n"
      << "\n[SESSION]\n"
      << "ConnectionType=acceptor\n"
      << "SenderCompID=SELLSIDE\n"
      << "TargetCompID=BUYSIDE\n"
      << "\n[SESSION]\n"
      << "ConnectionType=initiator\n"
      << "SenderCompID=BUYSIDE\n"
      << "TargetCompID=SELLSIDE\n";
  return out.str();
}

/// A NewOrderSingle like the engine's benchmark sends: limit, 100 at 100.00 + (n % 100) / 100.
FIX44::NewOrderSingle makeOrder(const std::string& clOrdID, long n) {
  FIX44::NewOrderSingle order(FIX::ClOrdID(clOrdID), FIX::Side(n % 2 == 0 ? FIX::Side_SELL : FIX::Side_BUY),
                              FIX::TransactTime(3), FIX::OrdType(FIX::OrdType_LIMIT));
  order.set(FIX::HandlInst(FIX::HandlInst_AUTOMATED_EXECUTION_ORDER_PRIVATE_NO_BROKER_INTERVENTION));
  order.set(FIX::Symbol("AAPL"));
  order.set(FIX::OrderQty(100));
  order.set(FIX::Price(100.0 + static_cast<double>(n % 100) / 100.0));
  return order;
}

/// An acceptor session and an initiator session logged on to each other; stops them when it goes.
class LoopbackPair {
public:
  LoopbackPair(const Options& options, Scenario scenario)
      : options_(options), desk_(scenario, options.batch) {}

  ~LoopbackPair() {
    if (initiator_) initiator_->stop(true);
    if (acceptor_) acceptor_->stop(true);
    if (!directory_.empty()) {
      const std::string command = "rm -rf '" + directory_ + "'";
      if (system(command.c_str()) != 0) std::cerr << "quickfix_loopback: cannot remove " << directory_ << "\n";
    }
  }

  /// Starts both sessions and waits until both are logged on; false (with `error`) otherwise.
  bool start(std::string& error) {
    char pattern[] = "/tmp/quickfix-loopback-XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
      error = "cannot create a temporary directory";
      return false;
    }
    directory_ = pattern;
    const int port = freePort();
    if (port <= 0) {
      error = "no free port";
      return false;
    }
    const std::string path = directory_ + "/loopback.cfg";
    {
      std::ofstream file(path.c_str());
      file << settingsText(port, options_.dictionary, directory_);
      if (!file) {
        error = "cannot write " + path;
        return false;
      }
    }
    try {
      settings_.reset(new FIX::SessionSettings(path));
      stores_.reset(new FIX::FileStoreFactory(*settings_));
      // No LogFactory: QuickFIX logs nothing (its sessions fall back to a null log).
      if (options_.threaded) {
        acceptor_.reset(new FIX::ThreadedSocketAcceptor(desk_, *stores_, *settings_));
        initiator_.reset(new FIX::ThreadedSocketInitiator(client_, *stores_, *settings_));
      } else {
        acceptor_.reset(new FIX::SocketAcceptor(desk_, *stores_, *settings_));
        initiator_.reset(new FIX::SocketInitiator(client_, *stores_, *settings_));
      }
      acceptor_->start();
      initiator_->start();
    } catch (const std::exception& e) {
      error = std::string("cannot start the sessions: ") + e.what();
      return false;
    }
    if (!client_.waitLoggedOn() || !desk_.waitLoggedOn()) {
      error = failure();
      return false;
    }
    session_ = client_.session();
    return true;
  }

  /// The initiator logs out; true when both sides saw the Logout handshake complete.
  bool stop() {
    if (session_ != nullptr) session_->logout();
    return client_.waitLoggedOut() && desk_.waitLoggedOut();
  }

  /// The first failure either side saw, or "".
  std::string failure() {
    const std::string theirs = desk_.failure();
    return theirs.empty() ? client_.failure() : theirs;
  }

  /// Sends one batch of orders and waits until the acceptor has counted them; false on failure.
  bool batch() {
    for (long i = 0; i < options_.batch; ++i) {
      ++sent_;
      FIX44::NewOrderSingle order = makeOrder("T" + std::to_string(sent_), sent_);
      if (!session_->send(order)) return false;
    }
    ++batches_;
    return desk_.waitBatches(batches_);
  }

  /// One order out, its ExecutionReport back; false on failure.
  bool roundTrip(Clock::time_point& arrived) {
    ++roundTrips_;
    const std::string clOrdID = "R" + std::to_string(roundTrips_);
    FIX44::NewOrderSingle order = makeOrder(clOrdID, roundTrips_);
    if (!session_->send(order)) return false;
    std::string replyID;
    if (!client_.waitReply(roundTrips_, replyID, arrived)) return false;
    if (replyID != clOrdID) {
      client_.fail("sent " + clOrdID + ", ExecutionReport for " + replyID);
      return false;
    }
    return true;
  }

private:
  const Options& options_;
  OrderDesk desk_;
  OrderClient client_;
  std::string directory_;
  std::unique_ptr<FIX::SessionSettings> settings_;
  std::unique_ptr<FIX::FileStoreFactory> stores_;
  std::unique_ptr<FIX::Acceptor> acceptor_;
  std::unique_ptr<FIX::Initiator> initiator_;
  FIX::Session* session_ = nullptr;
  long sent_ = 0;
  long batches_ = 0;
  long roundTrips_ = 0;
};

/// Nearest-rank percentile of sorted samples.
int64_t percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size()) + 0.999999);
  rank = std::max<size_t>(1, std::min(rank, sorted.size()));
  return sorted[rank - 1];
}

void printLatency(const char* name, std::vector<int64_t> samples) {
  std::sort(samples.begin(), samples.end());
  std::cout << name << " p50 " << percentile(samples, 50) << " p90 " << percentile(samples, 90) << " p99 "
            << percentile(samples, 99) << " max " << (samples.empty() ? 0 : samples.back()) << " samples "
            << samples.size() << std::endl;
}

int fail(const std::string& text) {
  std::cerr << "quickfix_loopback: " << text << std::endl;
  return 1;
}

int runThroughput(const Options& options) {
  LoopbackPair pair(options, Scenario::throughput);
  std::string error;
  if (!pair.start(error)) return fail(error);
  for (long i = 0; i < options.warmupBatches; ++i) {
    if (!pair.batch()) return fail(pair.failure());
  }
  std::vector<int64_t> durations;
  durations.reserve(static_cast<size_t>(options.batches));
  for (long i = 0; i < options.batches; ++i) {
    const Clock::time_point start = Clock::now();
    if (!pair.batch()) return fail(pair.failure());
    durations.push_back(nanoseconds(Clock::now() - start));
  }
  if (!pair.stop()) return fail(pair.failure());
  int64_t total = 0;
  std::vector<int64_t> rates;  // messages per second of each batch
  for (int64_t d : durations) {
    total += d;
    rates.push_back(options.batch * INT64_C(1000000000) / std::max<int64_t>(d, 1));
  }
  std::sort(rates.begin(), rates.end());
  std::cout << "throughput_msgs_per_s " << options.batch * options.batches * INT64_C(1000000000) / std::max<int64_t>(total, 1)
            << std::endl;
  std::cout << "throughput_batch_msgs_per_s p50 " << percentile(rates, 50) << " p25 " << percentile(rates, 25)
            << " p75 " << percentile(rates, 75) << " min " << rates.front() << " max " << rates.back()
            << " batches " << rates.size() << std::endl;
  return 0;
}

int runRoundTrip(const Options& options) {
  LoopbackPair pair(options, Scenario::roundTrip);
  std::string error;
  if (!pair.start(error)) return fail(error);
  Clock::time_point arrived;
  for (long i = 0; i < options.warmupRoundTrips; ++i) {
    if (!pair.roundTrip(arrived)) return fail(pair.failure());
  }
  std::vector<int64_t> woken, toApp;
  woken.reserve(static_cast<size_t>(options.roundTrips));
  toApp.reserve(static_cast<size_t>(options.roundTrips));
  for (long i = 0; i < options.roundTrips; ++i) {
    const Clock::time_point start = Clock::now();
    if (!pair.roundTrip(arrived)) return fail(pair.failure());
    woken.push_back(nanoseconds(Clock::now() - start));
    toApp.push_back(nanoseconds(arrived - start));
  }
  if (!pair.stop()) return fail(pair.failure());
  printLatency("roundtrip_ns", woken);
  printLatency("roundtrip_to_app_ns", toApp);
  return 0;
}

int usage() {
  std::cerr << "usage: quickfix_loopback [--dictionary PATH] [--connectors threaded|polled] [--batch N]\n"
               "                         [--batches N] [--warmup-batches N] [--round-trips N]\n"
               "                         [--warmup-round-trips N] [--only throughput|roundtrip]\n";
  return 2;
}

bool parseCount(const char* text, long minimum, long& out) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || value < minimum) return false;
  out = value;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  options.dictionary = defaultDictionary();
  for (int i = 1; i < argc; ++i) {
    const std::string option = argv[i];
    if (option == "-h" || option == "--help") return usage();
    if (i + 1 >= argc) return usage();
    const char* value = argv[++i];
    bool ok = true;
    if (option == "--dictionary") {
      options.dictionary = absolutePath(value);
    } else if (option == "--connectors") {
      const std::string kind = value;
      ok = kind == "threaded" || kind == "polled";
      options.threaded = kind == "threaded";
    } else if (option == "--batch") {
      ok = parseCount(value, 1, options.batch);
    } else if (option == "--batches") {
      ok = parseCount(value, 1, options.batches);
    } else if (option == "--warmup-batches") {
      ok = parseCount(value, 0, options.warmupBatches);
    } else if (option == "--round-trips") {
      ok = parseCount(value, 1, options.roundTrips);
    } else if (option == "--warmup-round-trips") {
      ok = parseCount(value, 0, options.warmupRoundTrips);
    } else if (option == "--only") {
      const std::string which = value;
      ok = which == "throughput" || which == "roundtrip";
      options.runThroughput = which == "throughput";
      options.runRoundTrip = which == "roundtrip";
    } else {
      ok = false;
    }
    if (!ok) {
      std::cerr << "quickfix_loopback: bad option or value: " << option << " " << value << "\n";
      return usage();
    }
  }
  if (!isFile(options.dictionary)) {
    std::cerr << "quickfix_loopback: data dictionary not found (use --dictionary)\n";
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  std::cout << "connectors " << (options.threaded ? "threaded" : "polled") << std::endl;
  if (options.runThroughput && runThroughput(options) != 0) return 1;
  if (options.runRoundTrip && runRoundTrip(options) != 0) return 1;
  return 0;
}
