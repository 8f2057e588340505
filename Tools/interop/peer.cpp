// peer: a QuickFIX C++ initiator or acceptor for the interoperability runs against the engine's
// fix-peer (Tools/fix-peer; Tools/interop/run.sh runs both). It does what fix-peer does.
//
//   peer initiator|acceptor PORT SENDER TARGET N [DISCONNECT_AFTER]
//
// Once logged on it sends N NewOrderSingle (D) messages with ClOrdID SENDER-1 ... SENDER-N and
// counts the application messages it receives, expecting ClOrdIDs TARGET-1 ... TARGET-N, each
// exactly once. With DISCONNECT_AFTER = K it drops the connection once, without a Logout
// (Session::disconnect()), right after sending the K-th message, then sends up to
// PEER_OFFLINE_BURST (default 100) more while disconnected (QuickFIX only stores them) and waits
// for the next logon: the initiator reconnects after ReconnectInterval (1 s), the acceptor waits
// for the peer. Both sides recover the gaps with ResendRequest. When everything has been sent and
// received, the initiator waits for a second of quiet while logged on (a ResendRequest of the
// peer's still on its way is answered first), logs out and waits for the answer; the acceptor
// waits for the peer's Logout.
//
// It prints `sent N received N duplicates D missing M` last and exits 0 when all N were
// received, none twice, and the Logout handshake completed; 1 otherwise or on timeout; 2 on a
// usage or configuration error.
//
// The acceptor keeps its N-th message back until it has received all N of the initiator's, so
// that the initiator, once it has everything, knows the acceptor has too: the Logout cannot
// overtake a gap the acceptor still has to recover.
//
// Environment:
//   PEER_WORK_DIR      where the generated settings (peer.cfg), the FileStore and the FileLog go
//                      (default ./peer-work-SENDER); the store is kept, so delete the directory
//                      to start the sequence numbers again at 1
//   PEER_DICTIONARY    data dictionary (default: the repository's Specs/FIX44.xml, found from
//                      the executable's location Tools/interop/.build/peer, else
//                      ./Specs/FIX44.xml)
//   PEER_HOST          address to connect to or listen on (default 127.0.0.1)
//   PEER_TIMEOUT       seconds before giving up (default 120)
//   PEER_HEARTBEAT     HeartBtInt of the initiator (default 30)
//   PEER_OFFLINE_BURST messages sent while disconnected after the forced disconnect (default 100)
//
// Build: g++ -std=c++14 -O2 peer.cpp -o peer -lquickfix -lpthread
// (QuickFIX 1.15's Application interface uses dynamic exception specifications, so the overrides
// below carry them too; they are deprecated in C++11 and removed in C++17, hence -std=c++14.)
//
// This product includes software developed by quickfixengine.org (http://www.quickfixengine.org/).

#include <quickfix/Application.h>
#include <quickfix/Exceptions.h>
#include <quickfix/FileLog.h>
#include <quickfix/FileStore.h>
#include <quickfix/Message.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/ThreadedSocketAcceptor.h>
#include <quickfix/ThreadedSocketInitiator.h>
#include <quickfix/Values.h>
#include <quickfix/fix44/NewOrderSingle.h>

#include "tool_support.hpp"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <functional>
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
using tools::parseNumber;

typedef std::chrono::steady_clock Clock;

// Counts what arrives and tracks the session's state; the main thread sends and waits on it.
// QuickFIX calls it from its socket thread. Its mutex is never held while calling into QuickFIX.
class PeerApplication : public FIX::Application {
public:
  PeerApplication(const std::string& target, long total)
      : prefix_(target + "-"), total_(total), seen_(static_cast<size_t>(total) + 1, false) {}

  void onCreate(const FIX::SessionID&) override {}

  void onLogon(const FIX::SessionID&) override {
    std::lock_guard<std::mutex> lock(mutex_);
    loggedOn_ = true;
    ++logons_;
    lastActivity_ = Clock::now();
    changed_.notify_all();
  }

  void onLogout(const FIX::SessionID&) override {
    std::lock_guard<std::mutex> lock(mutex_);
    loggedOn_ = false;
    if (logoutReceived_) ended_ = true;
    lastActivity_ = Clock::now();
    changed_.notify_all();
  }

  void toAdmin(FIX::Message&, const FIX::SessionID&) override {}
  void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}

  void fromAdmin(const FIX::Message& message, const FIX::SessionID&)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue,
            FIX::RejectLogon) override {
    FIX::MsgType msgType;
    message.getHeader().getField(msgType);
    std::lock_guard<std::mutex> lock(mutex_);
    lastActivity_ = Clock::now();
    if (msgType.getValue() == FIX::MsgType_Logout) {
      logoutReceived_ = true;
      changed_.notify_all();
    }
  }

  void fromApp(const FIX::Message& message, const FIX::SessionID&)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue,
            FIX::UnsupportedMessageType) override {
    FIX::MsgType msgType;
    message.getHeader().getField(msgType);
    std::string id;
    if (msgType.getValue() == FIX::MsgType_NewOrderSingle && message.isSetField(FIX::FIELD::ClOrdID))
      id = message.getField(FIX::FIELD::ClOrdID);
    std::lock_guard<std::mutex> lock(mutex_);
    lastActivity_ = Clock::now();
    long k = 0;
    if (id.compare(0, prefix_.size(), prefix_) == 0 && id.size() > prefix_.size()) {
      char* end = nullptr;
      const char* digits = id.c_str() + prefix_.size();
      k = std::strtol(digits, &end, 10);
      if (*end != '\0') k = 0;
    }
    if (k < 1 || k > total_) {
      if (++unexpected_ <= 10)
        std::cout << "peer: unexpected message " << msgType.getValue() << " " << id << std::endl;
      return;
    }
    if (seen_[static_cast<size_t>(k)]) {
      if (++duplicates_ <= 10) std::cout << "peer: duplicate " << id << std::endl;
    } else {
      seen_[static_cast<size_t>(k)] = true;
      ++received_;
      if (received_ == total_) changed_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  const std::string prefix_;
  const long total_;
  std::vector<bool> seen_;
  long received_ = 0;
  long duplicates_ = 0;
  long unexpected_ = 0;
  int logons_ = 0;
  bool loggedOn_ = false;
  bool logoutReceived_ = false;  // a Logout message arrived (as request or as answer)
  bool ended_ = false;           // ... and the session then logged out
  Clock::time_point lastActivity_ = Clock::now();
};

bool makeDirectory(const std::string& path) {
  if (mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) return true;
  std::cerr << "peer: cannot create " << path << ": " << std::strerror(errno) << "\n";
  return false;
}

std::string environment(const char* name, const std::string& fallback) {
  const char* value = getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::string settingsText(bool initiator, const std::string& host, long port, const std::string& sender,
                         const std::string& target, long heartbeat, const std::string& dictionary,
                         const std::string& workDir) {
  std::ostringstream out;
  out << "# Generated by peer; rewritten at every start.\n"
      << "[DEFAULT]\n"
      << "ConnectionType=" << (initiator ? "initiator" : "acceptor") << "\n"
      << "BeginString=FIX.4.4\n"
      << "SenderCompID=" << sender << "\n"
      << "TargetCompID=" << target << "\n"
      << "StartTime=00:00:00\n"
      << "EndTime=00:00:00\n"
      << "UseDataDictionary=Y\n"
      << "DataDictionary=" << dictionary << "\n"
      << "PersistMessages=Y\n"
      << "FileStorePath=" << workDir << "/store\n"
      << "FileLogPath=" << workDir << "/log\n"
      << "SocketNodelay=Y\n"
      << "SocketReuseAddress=Y\n";
  if (initiator) {
    out << "SocketConnectHost=" << host << "\n"
        << "SocketConnectPort=" << port << "\n"
        << "HeartBtInt=" << heartbeat << "\n"
        << "ReconnectInterval=1\n";
  } else {
    out << "SocketAcceptHost=" << host << "\n"
        << "SocketAcceptPort=" << port << "\n";
  }
  out << "\n[SESSION]\n";
  return out.str();
}

int usage() {
  std::cerr << "usage: peer initiator|acceptor PORT SENDER TARGET N [DISCONNECT_AFTER]\n"
            << "  (environment: PEER_WORK_DIR, PEER_DICTIONARY, PEER_HOST, PEER_TIMEOUT,"
               " PEER_HEARTBEAT, PEER_OFFLINE_BURST; see the top of peer.cpp)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6 || argc > 7) return usage();
  const std::string role = argv[1];
  if (role != "initiator" && role != "acceptor") return usage();
  const bool initiator = role == "initiator";
  long port = 0, total = 0, disconnectAfter = 0, timeout = 0, heartbeat = 0, offlineBurst = 0;
  if (!parseNumber(argv[2], 1, 65535, port)) {
    std::cerr << "peer: bad port: " << argv[2] << "\n";
    return usage();
  }
  const std::string sender = argv[3];
  const std::string target = argv[4];
  if (!parseNumber(argv[5], 0, 100000000, total)) {
    std::cerr << "peer: bad message count: " << argv[5] << "\n";
    return usage();
  }
  if (argc == 7 && !parseNumber(argv[6], 1, 100000000, disconnectAfter)) {
    std::cerr << "peer: bad DISCONNECT_AFTER: " << argv[6] << "\n";
    return usage();
  }
  if (!parseNumber(environment("PEER_TIMEOUT", "120"), 1, 86400, timeout) ||
      !parseNumber(environment("PEER_HEARTBEAT", "30"), 1, 3600, heartbeat) ||
      !parseNumber(environment("PEER_OFFLINE_BURST", "100"), 0, 100000000, offlineBurst)) {
    std::cerr << "peer: bad PEER_TIMEOUT, PEER_HEARTBEAT or PEER_OFFLINE_BURST\n";
    return 2;
  }
  const std::string host = environment("PEER_HOST", "127.0.0.1");
  const std::string dictionary = absolutePath(environment("PEER_DICTIONARY", defaultDictionary()));
  if (!isFile(dictionary)) {
    std::cerr << "peer: data dictionary not found (set PEER_DICTIONARY)\n";
    return 2;
  }
  const std::string workArg = environment("PEER_WORK_DIR", "peer-work-" + sender);
  if (!makeDirectory(workArg)) return 2;
  const std::string workDir = absolutePath(workArg);
  if (!makeDirectory(workDir + "/store") || !makeDirectory(workDir + "/log")) return 2;
  const std::string cfgPath = workDir + "/peer.cfg";
  {
    std::ofstream cfg(cfgPath.c_str());
    cfg << settingsText(initiator, host, port, sender, target, heartbeat, dictionary, workDir);
    if (!cfg) {
      std::cerr << "peer: cannot write " << cfgPath << "\n";
      return 2;
    }
  }
  signal(SIGPIPE, SIG_IGN);

  const FIX::SessionID sessionID("FIX.4.4", sender, target);
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(timeout);
  PeerApplication app(target, total);
  long sent = 0;
  bool timedOut = false;
  bool clean = false;

  std::unique_ptr<FIX::SessionSettings> settings;
  std::unique_ptr<FIX::FileStoreFactory> storeFactory;
  std::unique_ptr<FIX::FileLogFactory> logFactory;
  std::unique_ptr<FIX::Initiator> fixInitiator;
  std::unique_ptr<FIX::Acceptor> fixAcceptor;
  try {
    settings.reset(new FIX::SessionSettings(cfgPath));
    storeFactory.reset(new FIX::FileStoreFactory(*settings));
    logFactory.reset(new FIX::FileLogFactory(*settings));
    if (initiator) {
      fixInitiator.reset(new FIX::ThreadedSocketInitiator(app, *storeFactory, *settings, *logFactory));
      fixInitiator->start();
      std::cout << "peer " << sender << ": connecting to " << host << ":" << port << std::endl;
    } else {
      fixAcceptor.reset(new FIX::ThreadedSocketAcceptor(app, *storeFactory, *settings, *logFactory));
      fixAcceptor->start();
      std::cout << "peer " << sender << ": listening on " << host << ":" << port << std::endl;
    }
  } catch (const FIX::ConfigError& error) {
    std::cerr << "peer: configuration error: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "peer: " << error.what() << "\n";
    return 2;
  }

  // Waits, up to the deadline, until `done` holds (called with the application's mutex held).
  auto waitFor = [&](const std::function<bool()>& done) {
    std::unique_lock<std::mutex> lock(app.mutex_);
    while (!done()) {
      if (app.changed_.wait_until(lock, deadline) == std::cv_status::timeout && !done()) return false;
    }
    return true;
  };

  // Send, cutting the connection once after DISCONNECT_AFTER.
  bool ok = waitFor([&] { return app.loggedOn_; });
  if (ok) std::cout << "peer " << sender << ": logged on" << std::endl;
  long offlineAllowance = 0;
  bool disconnected = false;
  int logonsSeen = 1;
  while (ok && sent < total) {
    if (!initiator && sent == total - 1) {
      // The acceptor keeps its last message back until it has everything the initiator sent.
      ok = waitFor([&] { return app.received_ >= total; });
      if (!ok) break;
    }
    {
      std::unique_lock<std::mutex> lock(app.mutex_);
      if (!app.loggedOn_) {
        if (offlineAllowance > 0) {
          --offlineAllowance;
        } else {
          lock.unlock();
          ok = waitFor([&] { return app.loggedOn_; });
          if (!ok) break;
          continue;
        }
      }
      if (app.logons_ != logonsSeen) {
        logonsSeen = app.logons_;
        std::cout << "peer " << sender << ": logged on again (sent " << sent << ", received "
                  << app.received_ << ")" << std::endl;
      }
    }
    ++sent;
    FIX44::NewOrderSingle order(FIX::ClOrdID(sender + "-" + std::to_string(sent)),
                                FIX::Side(sent % 2 == 0 ? FIX::Side_SELL : FIX::Side_BUY),
                                FIX::TransactTime(), FIX::OrdType(FIX::OrdType_LIMIT));
    order.set(FIX::HandlInst('1'));
    order.set(FIX::Symbol("PEER"));
    order.set(FIX::OrderQty(100));
    order.set(FIX::Price(100.0 + (sent % 100) / 100.0));
    try {
      FIX::Session::sendToTarget(order, sessionID);
    } catch (const FIX::SessionNotFound&) {
      std::cerr << "peer: session not found\n";
      return 1;
    }
    if (disconnectAfter > 0 && sent == disconnectAfter && !disconnected) {
      disconnected = true;
      long received = 0;
      {
        std::lock_guard<std::mutex> lock(app.mutex_);
        received = app.received_;
      }
      FIX::Session* session = FIX::Session::lookupSession(sessionID);
      if (session != nullptr) session->disconnect();
      std::cout << "peer " << sender << ": forced disconnect after " << sent << " sent, " << received
                << " received" << std::endl;
      offlineAllowance = offlineBurst;
    }
  }
  if (ok) std::cout << "peer " << sender << ": all " << total << " sent" << std::endl;

  // Wait until everything has arrived.
  if (ok) ok = waitFor([&] { return app.received_ >= total; });

  if (ok && initiator) {
    // A second of quiet while logged on, then the Logout handshake.
    const auto quiet = std::chrono::seconds(1);
    while (ok) {
      std::unique_lock<std::mutex> lock(app.mutex_);
      const auto now = Clock::now();
      if (app.loggedOn_ && now - app.lastActivity_ >= quiet) break;
      if (now >= deadline) { ok = false; break; }
      app.changed_.wait_for(lock, std::chrono::milliseconds(100));
    }
    if (ok) {
      {
        std::lock_guard<std::mutex> lock(app.mutex_);
        app.logoutReceived_ = false;
      }
      std::cout << "peer " << sender << ": all sent and received; logging out" << std::endl;
      FIX::Session* session = FIX::Session::lookupSession(sessionID);
      if (session != nullptr) session->logout();
    }
  }
  if (ok) ok = waitFor([&] { return app.ended_; });
  timedOut = !ok;
  {
    std::lock_guard<std::mutex> lock(app.mutex_);
    clean = app.ended_;
  }

  if (fixInitiator) fixInitiator->stop(true);
  if (fixAcceptor) fixAcceptor->stop(true);

  std::lock_guard<std::mutex> lock(app.mutex_);
  if (timedOut) std::cout << "peer " << sender << ": timed out" << std::endl;
  std::cout << "peer " << sender << ": logout " << (clean ? "clean" : "not clean");
  if (app.unexpected_ > 0) std::cout << ", " << app.unexpected_ << " unexpected messages";
  std::cout << "\n";
  std::cout << "sent " << sent << " received " << app.received_ << " duplicates " << app.duplicates_
            << " missing " << (total - app.received_) << std::endl;
  const bool passed = !timedOut && clean && sent == total && app.received_ == total &&
                      app.duplicates_ == 0 && app.unexpected_ == 0;
  return passed ? 0 : 1;
}
