// at_acceptor: a QuickFIX C++ acceptor that plays the system under test of the FIX 4.4 acceptor
// conformance scripts (see Tools/conformance/README.md), so the script runner can be checked
// against an independent engine.
//
//   at_acceptor PORT DICTIONARY_PATH [WORK_DIR]
//
// It writes its settings to WORK_DIR/at_acceptor.cfg (default WORK_DIR: ./at_acceptor-work),
// reads them back through QuickFIX's SessionSettings, keeps its message store and logs under
// WORK_DIR, and runs until SIGINT or SIGTERM.
//
// Sessions: FIX.4.4, SenderCompID ISLD, TargetCompID TW44, TW and NO_CHECK_FIELDS_HAVE_VALUES
// (the last two with ValidateFieldsHaveValues=N); ResetOnLogon=Y; validation against the data
// dictionary. The application echoes every NewOrderSingle (D), SecurityDefinition (d) and
// Email (C) back with its own header and silently drops a NewOrderSingle with PossResend=Y
// whose ClOrdID it has already seen since the session logged on. Other application messages
// are answered with a BusinessMessageReject (unsupported message type).
//
// Build: g++ -std=c++14 -O2 at_acceptor.cpp -o at_acceptor -lquickfix -lpthread
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
#include <quickfix/Values.h>

#include <signal.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdlib.h>
#include <errno.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>

namespace {

class EchoApplication : public FIX::Application {
public:
  void onCreate(const FIX::SessionID&) override {}
  // ClOrdIDs are remembered for one logon only: with ResetOnLogon=Y every logon starts afresh
  // (the scripts reuse ClOrdIDs from one script to the next).
  void onLogon(const FIX::SessionID& sessionID) override { forget(sessionID); }
  void onLogout(const FIX::SessionID& sessionID) override { forget(sessionID); }
  void toAdmin(FIX::Message&, const FIX::SessionID&) override {}
  void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}
  void fromAdmin(const FIX::Message&, const FIX::SessionID&)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue,
            FIX::RejectLogon) override {}

  void fromApp(const FIX::Message& message, const FIX::SessionID& sessionID)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue,
            FIX::UnsupportedMessageType) override {
    FIX::MsgType msgType;
    message.getHeader().getField(msgType);
    const std::string& type = msgType.getValue();

    if (type == FIX::MsgType_NewOrderSingle) {
      FIX::ClOrdID clOrdID;
      message.getField(clOrdID);
      bool possResend = false;
      if (message.getHeader().isSetField(FIX::FIELD::PossResend)) {
        FIX::PossResend field;
        message.getHeader().getField(field);
        possResend = field.getValue();
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        std::set<std::string>& seen = seenOrders_[sessionID.toString()];
        if (possResend && seen.count(clOrdID.getValue()) != 0) return;  // already seen: drop it
        seen.insert(clOrdID.getValue());
      }
      echo(message, sessionID);
    } else if (type == FIX::MsgType_SecurityDefinition || type == FIX::MsgType_Email) {
      echo(message, sessionID);
    } else {
      throw FIX::UnsupportedMessageType();
    }
  }

private:
  void forget(const FIX::SessionID& sessionID) {
    std::lock_guard<std::mutex> lock(mutex_);
    seenOrders_.erase(sessionID.toString());
  }

  static void echo(const FIX::Message& message, const FIX::SessionID& sessionID) {
    FIX::Message copy(message);
    try {
      // Session::send fills our own header: sender, target, sequence number, sending time.
      FIX::Session::sendToTarget(copy, sessionID);
    } catch (const FIX::SessionNotFound&) {
    }
  }

  std::mutex mutex_;
  std::map<std::string, std::set<std::string> > seenOrders_;  // session -> ClOrdIDs seen
};

bool makeDirectory(const std::string& path) {
  if (mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) return true;
  std::cerr << "at_acceptor: cannot create " << path << ": " << std::strerror(errno) << "\n";
  return false;
}

std::string absolutePath(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) return std::string();
  return std::string(resolved);
}

std::string settingsText(int port, const std::string& dictionary, const std::string& workDir) {
  std::ostringstream out;
  out << "# Generated by at_acceptor; rewritten at every start.\n"
      << "[DEFAULT]\n"
      << "ConnectionType=acceptor\n"
      << "SocketAcceptPort=" << port << "\n"
      << "SocketReuseAddress=Y\n"
      << "SocketNodelay=Y\n"
      << "StartTime=00:00:00\n"
      << "EndTime=00:00:00\n"
      << "BeginString=FIX.4.4\n"
      << "SenderCompID=ISLD\n"
      << "ResetOnLogon=Y\n"
      << "UseDataDictionary=Y\n"
      << "DataDictionary=" << dictionary << "\n"
      << "TimestampPrecision=3\n"
      << "FileStorePath=" << workDir << "/store\n"
      << "FileLogPath=" << workDir << "/log\n"
      << "\n"
      << "[SESSION]\n"
      << "TargetCompID=TW44\n"
      << "\n"
      << "[SESSION]\n"
      << "TargetCompID=TW\n"
      << "ValidateFieldsHaveValues=N\n"
      << "\n"
      << "[SESSION]\n"
      << "TargetCompID=NO_CHECK_FIELDS_HAVE_VALUES\n"
      << "ValidateFieldsHaveValues=N\n";
  return out.str();
}

int usage() {
  std::cerr << "usage: at_acceptor PORT DICTIONARY_PATH [WORK_DIR]\n"
            << "  PORT             TCP port to listen on (127.0.0.1 and all other addresses)\n"
            << "  DICTIONARY_PATH  FIX 4.4 data dictionary in QuickFIX's XML layout\n"
            << "  WORK_DIR         where the generated .cfg, the store and the logs go"
               " (default ./at_acceptor-work)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) return usage();

  char* end = nullptr;
  const long port = std::strtol(argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || port < 1 || port > 65535) {
    std::cerr << "at_acceptor: bad port: " << argv[1] << "\n";
    return usage();
  }
  const std::string dictionary = absolutePath(argv[2]);
  struct stat info;
  if (dictionary.empty() || stat(dictionary.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    std::cerr << "at_acceptor: data dictionary not found: " << argv[2] << "\n";
    return 2;
  }
  const std::string workArg = argc == 4 ? argv[3] : "at_acceptor-work";
  if (!makeDirectory(workArg)) return 2;
  const std::string workDir = absolutePath(workArg);
  if (!makeDirectory(workDir + "/store") || !makeDirectory(workDir + "/log")) return 2;

  const std::string cfgPath = workDir + "/at_acceptor.cfg";
  {
    std::ofstream cfg(cfgPath.c_str());
    cfg << settingsText(static_cast<int>(port), dictionary, workDir);
    if (!cfg) {
      std::cerr << "at_acceptor: cannot write " << cfgPath << "\n";
      return 2;
    }
  }

  // Block the stop signals before QuickFIX starts its threads; main waits for them below.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  try {
    FIX::SessionSettings settings(cfgPath);
    EchoApplication application;
    FIX::FileStoreFactory storeFactory(settings);
    FIX::FileLogFactory logFactory(settings);
    FIX::ThreadedSocketAcceptor acceptor(application, storeFactory, settings, logFactory);
    acceptor.start();
    std::cout << "at_acceptor: listening on port " << port << " (settings " << cfgPath << ")"
              << std::endl;

    int received = 0;
    sigwait(&stopSignals, &received);
    std::cout << "at_acceptor: " << (received == SIGINT ? "SIGINT" : "SIGTERM")
              << ", stopping" << std::endl;
    acceptor.stop(true);
  } catch (const FIX::ConfigError& error) {
    std::cerr << "at_acceptor: configuration error: " << error.what() << "\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "at_acceptor: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
