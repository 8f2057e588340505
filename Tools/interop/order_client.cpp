// order_client: a QuickFIX C++ initiator that trades against `mm exchange` (the simulated
// exchange) and checks every message the exchange sends back, field by field.
// Tools/interop/exchange.sh builds it, starts the exchange and runs it.
//
//   order_client PORT [--host HOST] [--dictionary PATH] [--work DIR] [--timeout SECONDS]
//
// Two sessions, MAKER -> EXCH and MAKER2 -> EXCH (FIX.4.4, ResetOnLogon=Y, memory stores), both
// validating what they receive with the repository's Specs/FIX44.xml (UseDataDictionary=Y): a
// message QuickFIX finds invalid is answered with a Reject (3) and counts as a failure, as does
// any Reject or BusinessMessageReject (j) from the exchange and any message no step expects.
//
// The exchange must be fresh (empty books) and run without --data, so that it lists BTCUSDT
// (tick 0.1, lot 0.001) and ETHUSDT (tick 0.01, lot 0.001). The steps:
//   1  MAKER: limit sell 0.005 BTCUSDT @ 61800.3 -> New
//   2  MAKER2: limit buy 0.003 @ 61800.5 -> New, Trade (filled at 61800.3); MAKER: Trade (partial)
//   3  MAKER: cancel/replace to 0.008 @ 61800.4 -> Replaced
//   4  MAKER: cancel -> Canceled
//   5  rejects: unknown symbol, price off the tick, quantity off the lot, duplicate ClOrdID,
//      market order on an empty book -> Rejected with OrdRejReason; cancel and cancel/replace of
//      an unknown order, cancel with a used ClOrdID, cancel of a filled order -> OrderCancelReject
//   6  IOC that fills at two prices, remainder canceled; FOK that cannot fill -> canceled, no trade
//   7  self-trade prevention: an order crossing its owner's resting order cancels the latter
//   8  market data: snapshot (W), incremental refresh (X) for a new level and for a trade,
//      MarketDataRequestReject (Y) for an unknown symbol, no more X after unsubscribing
// then both sessions log out. Each step waits up to --timeout seconds (default 5) for the
// messages it expects and prints `PASS <step>` or `FAIL <step>: <what differed>`; the last line
// is `N passed, N failed`. Exit status: 0 when nothing failed, 1 otherwise, 2 on a usage or
// configuration error.
//
// With --work DIR the generated settings (order_client.cfg) and QuickFIX's message and event
// logs (FileLog) go to DIR; otherwise nothing is written.
//
// Build: g++ -std=c++14 -O2 -Wall -Wno-deprecated order_client.cpp -o order_client -lquickfix -lpthread
// (QuickFIX 1.15's Application interface uses dynamic exception specifications: C++14 at most.)
//
// This product includes software developed by quickfixengine.org (http://www.quickfixengine.org/).

#include <quickfix/Application.h>
#include <quickfix/Exceptions.h>
#include <quickfix/FileLog.h>
#include <quickfix/Message.h>
#include <quickfix/MessageStore.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/ThreadedSocketInitiator.h>
#include <quickfix/Values.h>
#include <quickfix/fix44/MarketDataRequest.h>
#include <quickfix/fix44/NewOrderSingle.h>
#include <quickfix/fix44/OrderCancelReplaceRequest.h>
#include <quickfix/fix44/OrderCancelRequest.h>

#include "tool_support.hpp"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using tools::absolutePath;
using tools::isFile;
using tools::defaultDictionary;
using tools::parseNumber;
using tools::text;
using tools::msgType;

typedef std::chrono::steady_clock Clock;

const char* const kExchange = "EXCH";
const char* const kMaker = "MAKER";
const char* const kMaker2 = "MAKER2";

// MARK: - Small helpers

// A FIX decimal in a canonical form ("61800.30000" -> "61800.3", "0.0" -> "0", "-0" -> "0"), or
// an empty string when the text is not a decimal.
std::string canonicalDecimal(const std::string& value) {
  std::string s = value;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.erase(0, 1);
  }
  if (s.empty()) return std::string();
  size_t dots = 0;
  for (char c : s) {
    if (c == '.') ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c))) return std::string();
  }
  if (dots > 1 || s == ".") return std::string();
  if (dots == 1) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  size_t first = s.find_first_not_of('0');
  s = first == std::string::npos ? std::string() : s.substr(first);
  if (s.empty() || s[0] == '.') s = "0" + s;
  if (s == "0") negative = false;
  return negative ? "-" + s : s;
}

bool sameDecimal(const std::string& a, const std::string& b) {
  const std::string x = canonicalDecimal(a);
  return !x.empty() && x == canonicalDecimal(b);
}

bool containsIgnoringCase(const std::string& haystack, const std::string& needle) {
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  return lower(haystack).find(lower(needle)) != std::string::npos;
}

// MARK: - The application: one inbox per session

// Receives for both sessions (QuickFIX calls it from each session's thread). Application messages
// go to the inbox of the session (keyed by our SenderCompID); anything wrong at the session level
// (a Reject either way, a BusinessMessageReject, a Logout we did not ask for) goes to `problems`.
// Its mutex is never held while calling into QuickFIX.
class ClientApplication : public FIX::Application {
public:
  void onCreate(const FIX::SessionID&) override {}

  void onLogon(const FIX::SessionID& id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    loggedOn_[id.getSenderCompID().getValue()] = true;
    changed_.notify_all();
  }

  void onLogout(const FIX::SessionID& id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string who = id.getSenderCompID().getValue();
    const bool was = loggedOn_[who];
    loggedOn_[who] = false;
    if (was && !loggingOut_) problems_.push_back(who + ": logged out without being asked to");
    changed_.notify_all();
  }

  void toAdmin(FIX::Message& message, const FIX::SessionID& id) override {
    if (msgType(message) == FIX::MsgType_Reject) {
      addProblem(id.getSenderCompID().getValue() +
                 ": QuickFIX rejected a message of the exchange (it sent Reject " + text(message) + ")");
    }
  }

  void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}

  void fromAdmin(const FIX::Message& message, const FIX::SessionID& id)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue,
            FIX::RejectLogon) override {
    const std::string type = msgType(message);
    if (type == FIX::MsgType_Reject) {
      addProblem(id.getSenderCompID().getValue() + ": the exchange rejected a message: " + text(message));
    } else if (type == FIX::MsgType_Logout) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!loggingOut_) problems_.push_back(id.getSenderCompID().getValue() + ": unexpected Logout " + text(message));
    }
  }

  void fromApp(const FIX::Message& message, const FIX::SessionID& id)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue,
            FIX::UnsupportedMessageType) override {
    const std::string who = id.getSenderCompID().getValue();
    std::lock_guard<std::mutex> lock(mutex_);
    if (msgType(message) == FIX::MsgType_BusinessMessageReject)
      problems_.push_back(who + ": BusinessMessageReject from the exchange: " + text(message));
    inbox_[who].push_back(message);
    changed_.notify_all();
  }

  // Waits up to `timeout` until the inbox of `who` holds `count` messages; removes and returns
  // them (fewer on timeout).
  std::vector<FIX::Message> take(const std::string& who, size_t count, Clock::duration timeout) {
    const Clock::time_point deadline = Clock::now() + timeout;
    std::unique_lock<std::mutex> lock(mutex_);
    std::deque<FIX::Message>& queue = inbox_[who];
    while (queue.size() < count) {
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) break;
    }
    std::vector<FIX::Message> out;
    while (!queue.empty() && out.size() < count) {
      out.push_back(queue.front());
      queue.pop_front();
    }
    return out;
  }

  // Removes and returns whatever is in the inbox of `who`.
  std::vector<FIX::Message> drain(const std::string& who) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::deque<FIX::Message>& queue = inbox_[who];
    std::vector<FIX::Message> out(queue.begin(), queue.end());
    queue.clear();
    return out;
  }

  // Problems reported since the last call.
  std::vector<std::string> newProblems() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out(problems_.begin() + static_cast<long>(problemsSeen_), problems_.end());
    problemsSeen_ = problems_.size();
    return out;
  }

  // Waits up to `timeout` until every session in `who` is logged on (on == true) or off.
  bool waitLoggedOn(const std::vector<std::string>& who, bool on, Clock::duration timeout) {
    const Clock::time_point deadline = Clock::now() + timeout;
    std::unique_lock<std::mutex> lock(mutex_);
    auto done = [&] {
      for (const std::string& w : who)
        if (loggedOn_[w] != on) return false;
      return true;
    };
    while (!done()) {
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) return done();
    }
    return true;
  }

  void setLoggingOut() {
    std::lock_guard<std::mutex> lock(mutex_);
    loggingOut_ = true;
  }

private:
  void addProblem(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    problems_.push_back(what);
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::deque<FIX::Message> > inbox_;
  std::map<std::string, bool> loggedOn_;
  std::vector<std::string> problems_;
  size_t problemsSeen_ = 0;
  bool loggingOut_ = false;
};

// MARK: - Steps and checks

// One step of the scenario: the differences found, printed as PASS or FAIL by `Run::finish`.
struct Step {
  std::string name;
  std::vector<std::string> differences;

  explicit Step(const std::string& n) : name(n) {}
  void fail(const std::string& what) { differences.push_back(what); }
};

// What an ExecutionReport must say: the fields of every report from the constructor, the others
// from the setters. Empty OrderQty or Price: not checked.
struct Exec {
  std::string clOrdID;
  char execType;
  char ordStatus;
  std::string symbol;
  char side;
  std::string orderQty;
  std::string price;
  std::string cumQty;
  std::string leavesQty;
  std::string avgPx;
  std::string* orderID;            // in/out: empty -> remember the exchange's; else it must match
  std::string origClOrdID;         // empty: OrigClOrdID (41) must be absent
  std::string lastPx, lastQty;     // trades (ExecType F); otherwise LastPx/LastQty must be absent or 0
  char timeInForce = 0;            // 0: not checked
  int ordRejReason = -1;           // -1: OrdRejReason (103) must be absent
  std::string textContains;        // empty: not checked

  Exec(const std::string& clOrdID_, char execType_, char ordStatus_, const std::string& symbol_, char side_,
       const std::string& orderQty_, const std::string& price_, const std::string& cumQty_,
       const std::string& leavesQty_, const std::string& avgPx_, std::string* orderID_)
      : clOrdID(clOrdID_), execType(execType_), ordStatus(ordStatus_), symbol(symbol_), side(side_),
        orderQty(orderQty_), price(price_), cumQty(cumQty_), leavesQty(leavesQty_), avgPx(avgPx_),
        orderID(orderID_) {}

  Exec& orig(const std::string& id) { origClOrdID = id; return *this; }
  Exec& last(const std::string& px, const std::string& qty) { lastPx = px; lastQty = qty; return *this; }
  Exec& tif(char value) { timeInForce = value; return *this; }
  Exec& rejReason(int value) { ordRejReason = value; return *this; }
  Exec& mentions(const std::string& value) { textContains = value; return *this; }
};

class Run {
public:
  Run(ClientApplication& app, Clock::duration timeout) : app_(app), timeout_(timeout) {}

  // Waits for `count` messages of `who`; a shortfall is a difference of `step`.
  std::vector<FIX::Message> expect(Step& step, const std::string& who, size_t count) {
    std::vector<FIX::Message> got = app_.take(who, count, timeout_);
    if (got.size() < count) {
      std::ostringstream out;
      out << who << ": expected " << count << " message(s) within " << seconds() << " s, got " << got.size();
      for (const FIX::Message& m : got) out << "\n    got " << text(m);
      step.fail(out.str());
    }
    return got;
  }

  // Ends `step`: a short quiet period in which nothing more may arrive on either session, the
  // session-level problems since the last step, then PASS or FAIL.
  void finish(Step& step) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    for (const char* who : {kMaker, kMaker2}) {
      for (const FIX::Message& m : app_.drain(who)) step.fail(std::string(who) + ": unexpected message " + text(m));
    }
    for (const std::string& p : app_.newProblems()) step.fail(p);
    if (step.differences.empty()) {
      ++passed_;
      std::cout << "PASS " << step.name << std::endl;
    } else {
      ++failed_;
      std::cout << "FAIL " << step.name << ": " << step.differences[0] << std::endl;
      for (size_t i = 1; i < step.differences.size(); ++i) std::cout << "  also: " << step.differences[i] << std::endl;
    }
  }

  // Field checks. `where` names the message in the differences.
  void field(Step& step, const std::string& where, const FIX::FieldMap& m, int tag, const std::string& want) {
    if (!m.isSetField(tag)) {
      step.fail(where + ": " + std::to_string(tag) + " missing, expected " + want);
    } else if (m.getField(tag) != want) {
      step.fail(where + ": " + std::to_string(tag) + "=" + m.getField(tag) + ", expected " + want);
    }
  }

  void decimal(Step& step, const std::string& where, const FIX::FieldMap& m, int tag, const std::string& want) {
    if (!m.isSetField(tag)) {
      step.fail(where + ": " + std::to_string(tag) + " missing, expected " + want);
    } else if (!sameDecimal(m.getField(tag), want)) {
      step.fail(where + ": " + std::to_string(tag) + "=" + m.getField(tag) + ", expected " + want);
    }
  }

  void absent(Step& step, const std::string& where, const FIX::FieldMap& m, int tag) {
    if (m.isSetField(tag)) step.fail(where + ": " + std::to_string(tag) + "=" + m.getField(tag) + ", expected none");
  }

  void absentOrZero(Step& step, const std::string& where, const FIX::FieldMap& m, int tag) {
    if (m.isSetField(tag) && !sameDecimal(m.getField(tag), "0"))
      step.fail(where + ": " + std::to_string(tag) + "=" + m.getField(tag) + ", expected none (not a fill)");
  }

  bool isType(Step& step, const std::string& where, const FIX::Message& m, const std::string& type) {
    if (msgType(m) == type) return true;
    step.fail(where + ": expected MsgType " + type + ", got " + text(m));
    return false;
  }

  // Checks an ExecutionReport against `want`.
  void exec(Step& step, const std::string& who, const FIX::Message& m, const Exec& want) {
    const std::string where = who + " 8 (ClOrdID " + want.clOrdID + ", 150=" + std::string(1, want.execType) + ")";
    if (!isType(step, where, m, FIX::MsgType_ExecutionReport)) return;
    field(step, where, m, FIX::FIELD::ClOrdID, want.clOrdID);
    if (want.origClOrdID.empty()) absent(step, where, m, FIX::FIELD::OrigClOrdID);
    else field(step, where, m, FIX::FIELD::OrigClOrdID, want.origClOrdID);
    field(step, where, m, FIX::FIELD::ExecType, std::string(1, want.execType));
    field(step, where, m, FIX::FIELD::OrdStatus, std::string(1, want.ordStatus));
    field(step, where, m, FIX::FIELD::Symbol, want.symbol);
    field(step, where, m, FIX::FIELD::Side, std::string(1, want.side));
    if (!want.orderQty.empty()) decimal(step, where, m, FIX::FIELD::OrderQty, want.orderQty);
    if (!want.price.empty()) decimal(step, where, m, FIX::FIELD::Price, want.price);
    if (want.timeInForce != 0) field(step, where, m, FIX::FIELD::TimeInForce, std::string(1, want.timeInForce));
    decimal(step, where, m, FIX::FIELD::CumQty, want.cumQty);
    decimal(step, where, m, FIX::FIELD::LeavesQty, want.leavesQty);
    decimal(step, where, m, FIX::FIELD::AvgPx, want.avgPx);
    if (want.execType == FIX::ExecType_TRADE) {
      decimal(step, where, m, FIX::FIELD::LastPx, want.lastPx);
      decimal(step, where, m, FIX::FIELD::LastQty, want.lastQty);
    } else {
      absentOrZero(step, where, m, FIX::FIELD::LastPx);
      absentOrZero(step, where, m, FIX::FIELD::LastQty);
    }
    if (want.ordRejReason >= 0) field(step, where, m, FIX::FIELD::OrdRejReason, std::to_string(want.ordRejReason));
    else absent(step, where, m, FIX::FIELD::OrdRejReason);
    if (!want.textContains.empty()) {
      const std::string t = m.isSetField(FIX::FIELD::Text) ? m.getField(FIX::FIELD::Text) : std::string();
      if (!containsIgnoringCase(t, want.textContains))
        step.fail(where + ": Text (58) '" + t + "' does not mention '" + want.textContains + "'");
    }
    // ExecID: present and never seen before on either session.
    if (m.isSetField(FIX::FIELD::ExecID)) {
      const std::string execID = m.getField(FIX::FIELD::ExecID);
      if (!execIDs_.insert(execID).second) step.fail(where + ": ExecID (17) " + execID + " was used before");
    } else {
      step.fail(where + ": ExecID (17) missing");
    }
    // OrderID: the same for every report of one order.
    const std::string orderID = m.isSetField(FIX::FIELD::OrderID) ? m.getField(FIX::FIELD::OrderID) : std::string();
    if (orderID.empty()) {
      step.fail(where + ": OrderID (37) missing");
    } else if (want.orderID != nullptr) {
      if (want.orderID->empty()) {
        *want.orderID = orderID;
        if (orderIDs_.count(orderID) != 0)
          step.fail(where + ": OrderID (37) " + orderID + " already names another order");
        orderIDs_.insert(orderID);
      } else if (*want.orderID != orderID) {
        step.fail(where + ": OrderID (37) " + orderID + ", expected " + *want.orderID + " (the same order)");
      }
    }
  }

  Clock::duration timeout() const { return timeout_; }
  double seconds() const { return std::chrono::duration<double>(timeout_).count(); }
  int passed() const { return passed_; }
  int failed() const { return failed_; }

private:
  ClientApplication& app_;
  Clock::duration timeout_;
  std::set<std::string> execIDs_;
  std::set<std::string> orderIDs_;
  int passed_ = 0;
  int failed_ = 0;
};

// MARK: - Messages we send

const FIX::SessionID& sessionOf(const std::string& who) {
  static const FIX::SessionID maker("FIX.4.4", kMaker, kExchange);
  static const FIX::SessionID maker2("FIX.4.4", kMaker2, kExchange);
  return who == kMaker ? maker : maker2;
}

bool send(FIX::Message& message, const std::string& who) {
  try {
    return FIX::Session::sendToTarget(message, sessionOf(who));
  } catch (const FIX::SessionNotFound&) {
    return false;
  }
}

// A NewOrderSingle; `price` empty for a market order, `tif` 0 for none. Decimals are sent as
// written.
FIX44::NewOrderSingle newOrder(const std::string& clOrdID, char side, const std::string& symbol,
                               const std::string& quantity, const std::string& price, char tif = 0) {
  FIX44::NewOrderSingle order(FIX::ClOrdID(clOrdID), FIX::Side(side), FIX::TransactTime(),
                              FIX::OrdType(price.empty() ? FIX::OrdType_MARKET : FIX::OrdType_LIMIT));
  order.set(FIX::HandlInst(FIX::HandlInst_AUTOMATED_EXECUTION_ORDER_PRIVATE_NO_BROKER_INTERVENTION));
  order.set(FIX::Symbol(symbol));
  order.setField(FIX::FIELD::OrderQty, quantity);
  if (!price.empty()) order.setField(FIX::FIELD::Price, price);
  if (tif != 0) order.set(FIX::TimeInForce(tif));
  return order;
}

FIX44::OrderCancelReplaceRequest replaceOrder(const std::string& origClOrdID, const std::string& clOrdID,
                                              const std::string& orderID, char side, const std::string& symbol,
                                              const std::string& quantity, const std::string& price) {
  FIX44::OrderCancelReplaceRequest r(FIX::OrigClOrdID(origClOrdID), FIX::ClOrdID(clOrdID), FIX::Side(side),
                                     FIX::TransactTime(), FIX::OrdType(FIX::OrdType_LIMIT));
  if (!orderID.empty()) r.set(FIX::OrderID(orderID));
  r.set(FIX::HandlInst(FIX::HandlInst_AUTOMATED_EXECUTION_ORDER_PRIVATE_NO_BROKER_INTERVENTION));
  r.set(FIX::Symbol(symbol));
  r.setField(FIX::FIELD::OrderQty, quantity);
  r.setField(FIX::FIELD::Price, price);
  return r;
}

FIX44::OrderCancelRequest cancelOrder(const std::string& origClOrdID, const std::string& clOrdID,
                                      const std::string& orderID, char side, const std::string& symbol,
                                      const std::string& quantity) {
  FIX44::OrderCancelRequest c{FIX::OrigClOrdID(origClOrdID), FIX::ClOrdID(clOrdID), FIX::Side(side),
                              FIX::TransactTime()};
  if (!orderID.empty()) c.set(FIX::OrderID(orderID));
  c.set(FIX::Symbol(symbol));
  c.setField(FIX::FIELD::OrderQty, quantity);
  return c;
}

FIX44::MarketDataRequest marketDataRequest(const std::string& mdReqID, const std::string& symbol, int depth,
                                           char subscription = FIX::SubscriptionRequestType_SNAPSHOT_PLUS_UPDATES) {
  FIX44::MarketDataRequest r{FIX::MDReqID(mdReqID), FIX::SubscriptionRequestType(subscription),
                             FIX::MarketDepth(depth)};
  r.set(FIX::MDUpdateType(FIX::MDUpdateType_INCREMENTAL_REFRESH));
  for (char type : {FIX::MDEntryType_BID, FIX::MDEntryType_OFFER, FIX::MDEntryType_TRADE}) {
    FIX44::MarketDataRequest::NoMDEntryTypes entry;
    entry.set(FIX::MDEntryType(type));
    r.addGroup(entry);
  }
  FIX44::MarketDataRequest::NoRelatedSym related;
  related.set(FIX::Symbol(symbol));
  r.addGroup(related);
  return r;
}

// MARK: - The scenario

// Market-data entry as expected in W (action unused) or X.
struct Entry {
  char action;  // MDUpdateAction (279), X only
  char type;    // MDEntryType (269)
  std::string price;
  std::string size;
};

// Checks the entries of group NoMDEntries (268) of `m` against `want`, in order.
void checkEntries(Run& run, Step& step, const std::string& where, const FIX::Message& m, const std::vector<Entry>& want,
                  bool incremental, const std::string& symbol) {
  const size_t count = m.groupCount(FIX::FIELD::NoMDEntries);
  if (count != want.size()) {
    step.fail(where + ": " + std::to_string(count) + " entries, expected " + std::to_string(want.size()) + ": " +
              text(m));
    return;
  }
  for (size_t i = 0; i < count; ++i) {
    const FIX::FieldMap& e = m.getGroupRef(static_cast<int>(i + 1), FIX::FIELD::NoMDEntries);
    const std::string at = where + " entry " + std::to_string(i + 1);
    if (incremental) {
      run.field(step, at, e, FIX::FIELD::MDUpdateAction, std::string(1, want[i].action));
      if (e.isSetField(FIX::FIELD::Symbol)) run.field(step, at, e, FIX::FIELD::Symbol, symbol);
    }
    run.field(step, at, e, FIX::FIELD::MDEntryType, std::string(1, want[i].type));
    run.decimal(step, at, e, FIX::FIELD::MDEntryPx, want[i].price);
    run.decimal(step, at, e, FIX::FIELD::MDEntrySize, want[i].size);
  }
}

// Moves the first message of `messages` with MsgType `type` to `out`; false if there is none.
bool pick(std::vector<FIX::Message>& messages, const std::string& type, FIX::Message& out) {
  for (auto i = messages.begin(); i != messages.end(); ++i) {
    if (msgType(*i) == type) {
      out = *i;
      messages.erase(i);
      return true;
    }
  }
  return false;
}

// Waits for one message of `who` and checks it is the ExecutionReport `want`.
void expectExec(Run& run, Step& step, const std::string& who, const Exec& want) {
  auto got = run.expect(step, who, 1);
  if (got.size() == 1) run.exec(step, who, got[0], want);
}

// Waits for one message of `who` and checks it is an OrderCancelReject with these fields.
void expectCancelReject(Run& run, Step& step, const std::string& who, const std::string& clOrdID,
                        const std::string& origClOrdID, const std::string& orderID, char ordStatus, int reason,
                        char responseTo) {
  auto got = run.expect(step, who, 1);
  const std::string where = who + " 9 (ClOrdID " + clOrdID + ")";
  if (got.size() != 1 || !run.isType(step, where, got[0], FIX::MsgType_OrderCancelReject)) return;
  run.field(step, where, got[0], FIX::FIELD::ClOrdID, clOrdID);
  run.field(step, where, got[0], FIX::FIELD::OrigClOrdID, origClOrdID);
  run.field(step, where, got[0], FIX::FIELD::OrderID, orderID);
  run.field(step, where, got[0], FIX::FIELD::OrdStatus, std::string(1, ordStatus));
  run.field(step, where, got[0], FIX::FIELD::CxlRejReason, std::to_string(reason));
  run.field(step, where, got[0], FIX::FIELD::CxlRejResponseTo, std::string(1, responseTo));
}

void scenario(Run& run) {
  const std::string BTC = "BTCUSDT", ETH = "ETHUSDT";
  const char BUY = FIX::Side_BUY, SELL = FIX::Side_SELL;
  const char IOC = FIX::TimeInForce_IMMEDIATE_OR_CANCEL, FOK = FIX::TimeInForce_FILL_OR_KILL;
  // ExecType (150) and OrdStatus (39).
  const char E_NEW = FIX::ExecType_NEW, E_TRADE = FIX::ExecType_TRADE, E_CANCELED = FIX::ExecType_CANCELED,
             E_REPLACED = FIX::ExecType_REPLACED, E_REJECTED = FIX::ExecType_REJECTED;
  const char S_NEW = FIX::OrdStatus_NEW, S_PARTIAL = FIX::OrdStatus_PARTIALLY_FILLED, S_FILLED = FIX::OrdStatus_FILLED,
             S_CANCELED = FIX::OrdStatus_CANCELED, S_REJECTED = FIX::OrdStatus_REJECTED;
  const char TO_CANCEL = FIX::CxlRejResponseTo_ORDER_CANCEL_REQUEST;
  const char TO_REPLACE = FIX::CxlRejResponseTo_ORDER_CANCEL_REPLACE_REQUEST;

  // The exchange's OrderID of each order, by its first ClOrdID.
  std::map<std::string, std::string> id;

  // 1. A resting sell.
  {
    Step step("1 MAKER limit sell 0.005 BTCUSDT @ 61800.3 -> New");
    auto order = newOrder("S1", SELL, BTC, "0.005", "61800.3");
    if (!send(order, kMaker)) step.fail("cannot send");
    expectExec(run, step, kMaker,
               Exec("S1", E_NEW, S_NEW, BTC, SELL, "0.005", "61800.3", "0", "0.005", "0", &id["S1"]));
    run.finish(step);
  }

  // 2. A crossing buy of the other session: it fills in full at the resting order's price.
  {
    Step step("2 MAKER2 limit buy 0.003 @ 61800.5 -> New, Trade at 61800.3 (filled); MAKER Trade (partially filled)");
    auto order = newOrder("B1", BUY, BTC, "0.003", "61800.5");
    if (!send(order, kMaker2)) step.fail("cannot send");
    auto taker = run.expect(step, kMaker2, 2);
    auto maker = run.expect(step, kMaker, 1);
    if (taker.size() >= 1)
      run.exec(step, kMaker2, taker[0],
               Exec("B1", E_NEW, S_NEW, BTC, BUY, "0.003", "61800.5", "0", "0.003", "0", &id["B1"]));
    if (taker.size() >= 2)
      run.exec(step, kMaker2, taker[1],
               Exec("B1", E_TRADE, S_FILLED, BTC, BUY, "0.003", "61800.5", "0.003", "0", "61800.3", &id["B1"])
                   .last("61800.3", "0.003"));
    if (maker.size() == 1)
      run.exec(step, kMaker, maker[0],
               Exec("S1", E_TRADE, S_PARTIAL, BTC, SELL, "0.005", "61800.3", "0.003", "0.002", "61800.3", &id["S1"])
                   .last("61800.3", "0.003"));
    run.finish(step);
  }

  // 3. Cancel/replace of the partially filled sell: more quantity, another price.
  {
    Step step("3 MAKER cancel/replace S1 -> 0.008 @ 61800.4 -> Replaced");
    auto r = replaceOrder("S1", "S1R", id["S1"], SELL, BTC, "0.008", "61800.4");
    if (!send(r, kMaker)) step.fail("cannot send");
    expectExec(run, step, kMaker,
               Exec("S1R", E_REPLACED, S_PARTIAL, BTC, SELL, "0.008", "61800.4", "0.003", "0.005", "61800.3", &id["S1"])
                   .orig("S1"));
    run.finish(step);
  }

  // 4. Cancel.
  {
    Step step("4 MAKER cancel S1R -> Canceled");
    auto c = cancelOrder("S1R", "S1C", id["S1"], SELL, BTC, "0.008");
    if (!send(c, kMaker)) step.fail("cannot send");
    expectExec(run, step, kMaker,
               Exec("S1C", E_CANCELED, S_CANCELED, BTC, SELL, "0.008", "61800.4", "0.003", "0", "61800.3", &id["S1"])
                   .orig("S1R"));
    run.finish(step);
  }

  // 5. Rejects.
  struct RejectCase {
    const char* name;
    const char* clOrdID;
    const char* symbol;
    const char* quantity;
    const char* price;  // "" for a market order
    int reason;
  };
  const RejectCase rejects[] = {
      {"5a unknown symbol XYZUSDT -> Rejected 103=1", "R1", "XYZUSDT", "0.001", "100.0", 1},
      {"5b price 61800.05 off the 0.1 tick -> Rejected 103=99", "R2", "BTCUSDT", "0.001", "61800.05", 99},
      {"5c quantity 0.0015 off the 0.001 lot -> Rejected 103=13", "R3", "BTCUSDT", "0.0015", "61800.0", 13},
      {"5d duplicate ClOrdID S1 -> Rejected 103=6", "S1", "BTCUSDT", "0.001", "61800.0", 6},
      {"5e market order on an empty book -> Rejected 103=99", "R5", "BTCUSDT", "0.001", "", 99},
  };
  for (const RejectCase& r : rejects) {
    Step step(r.name);
    auto order = newOrder(r.clOrdID, BUY, r.symbol, r.quantity, r.price);
    if (!send(order, kMaker)) step.fail("cannot send");
    auto got = run.expect(step, kMaker, 1);
    if (got.size() == 1) {
      // OrderID: whatever the exchange says (NONE); OrderQty and Price are not checked.
      run.exec(step, kMaker, got[0],
               Exec(r.clOrdID, E_REJECTED, S_REJECTED, r.symbol, BUY, "", "", "0", "0", "0", nullptr)
                   .rejReason(r.reason));
      const std::string want(1, *r.price ? FIX::OrdType_LIMIT : FIX::OrdType_MARKET);
      if (got[0].isSetField(FIX::FIELD::OrdType) && got[0].getField(FIX::FIELD::OrdType) != want)
        step.fail("MAKER 8: 40=" + got[0].getField(FIX::FIELD::OrdType) + ", expected the order's " + want);
    }
    run.finish(step);
  }
  {
    Step step("5f cancel of an unknown order -> OrderCancelReject 102=1 434=1");
    auto c = cancelOrder("NOSUCH", "C9", "", SELL, BTC, "0.001");
    if (!send(c, kMaker)) step.fail("cannot send");
    expectCancelReject(run, step, kMaker, "C9", "NOSUCH", "NONE", S_REJECTED, 1, TO_CANCEL);
    run.finish(step);
  }
  {
    Step step("5g cancel/replace of an unknown order -> OrderCancelReject 102=1 434=2");
    auto r = replaceOrder("NOSUCH", "C10", "", SELL, BTC, "0.001", "61800.0");
    if (!send(r, kMaker)) step.fail("cannot send");
    expectCancelReject(run, step, kMaker, "C10", "NOSUCH", "NONE", S_REJECTED, 1, TO_REPLACE);
    run.finish(step);
  }
  {
    Step step("5h cancel with a ClOrdID already used (S1R) -> OrderCancelReject 102=6");
    auto c = cancelOrder("NOSUCH", "S1R", "", SELL, BTC, "0.001");
    if (!send(c, kMaker)) step.fail("cannot send");
    expectCancelReject(run, step, kMaker, "S1R", "NOSUCH", "NONE", S_REJECTED, 6, TO_CANCEL);
    run.finish(step);
  }
  {
    // FIX 4.4, OrderCancelReject: CxlRejReason 0 "Too late to cancel" for an order that is
    // already done, with its OrdStatus (2) and OrderID; "Unknown order" (1) with OrderID NONE and
    // OrdStatus Rejected (8) is for an order the exchange does not know.
    Step step("5i MAKER2 cancel of its filled order B1 -> OrderCancelReject 102=0 (too late) 39=2");
    auto c = cancelOrder("B1", "B1C", "", BUY, BTC, "0.003");
    if (!send(c, kMaker2)) step.fail("cannot send");
    expectCancelReject(run, step, kMaker2, "B1C", "B1", id["B1"], S_FILLED, 0, TO_CANCEL);
    run.finish(step);
  }

  // 6. IOC and FOK.
  {
    Step step("6a IOC buy 0.005 @ 61900.5 against 0.001 @ 61900.0 and 0.001 @ 61900.5 -> New, 2 Trades, rest Canceled");
    auto first = newOrder("S2", SELL, BTC, "0.001", "61900.0");
    auto second = newOrder("S3", SELL, BTC, "0.001", "61900.5");
    if (!send(first, kMaker2) || !send(second, kMaker2)) step.fail("cannot send");
    auto got = run.expect(step, kMaker2, 2);
    if (got.size() >= 1)
      run.exec(step, kMaker2, got[0],
               Exec("S2", E_NEW, S_NEW, BTC, SELL, "0.001", "61900", "0", "0.001", "0", &id["S2"]));
    if (got.size() >= 2)
      run.exec(step, kMaker2, got[1],
               Exec("S3", E_NEW, S_NEW, BTC, SELL, "0.001", "61900.5", "0", "0.001", "0", &id["S3"]));
    auto ioc = newOrder("I1", BUY, BTC, "0.005", "61900.5", IOC);
    if (!send(ioc, kMaker)) step.fail("cannot send");
    auto taker = run.expect(step, kMaker, 4);
    auto makers = run.expect(step, kMaker2, 2);
    if (taker.size() >= 1)
      run.exec(step, kMaker, taker[0],
               Exec("I1", E_NEW, S_NEW, BTC, BUY, "0.005", "61900.5", "0", "0.005", "0", &id["I1"]).tif(IOC));
    if (taker.size() >= 2)
      run.exec(step, kMaker, taker[1],
               Exec("I1", E_TRADE, S_PARTIAL, BTC, BUY, "0.005", "61900.5", "0.001", "0.004", "61900", &id["I1"])
                   .tif(IOC).last("61900.0", "0.001"));
    if (taker.size() >= 3)
      run.exec(step, kMaker, taker[2],
               Exec("I1", E_TRADE, S_PARTIAL, BTC, BUY, "0.005", "61900.5", "0.002", "0.003", "61900.25", &id["I1"])
                   .tif(IOC).last("61900.5", "0.001"));
    if (taker.size() >= 4)
      run.exec(step, kMaker, taker[3],
               Exec("I1", E_CANCELED, S_CANCELED, BTC, BUY, "0.005", "61900.5", "0.002", "0", "61900.25", &id["I1"])
                   .tif(IOC));
    if (makers.size() >= 1)
      run.exec(step, kMaker2, makers[0],
               Exec("S2", E_TRADE, S_FILLED, BTC, SELL, "0.001", "61900", "0.001", "0", "61900", &id["S2"])
                   .last("61900", "0.001"));
    if (makers.size() >= 2)
      run.exec(step, kMaker2, makers[1],
               Exec("S3", E_TRADE, S_FILLED, BTC, SELL, "0.001", "61900.5", "0.001", "0", "61900.5", &id["S3"])
                   .last("61900.5", "0.001"));
    run.finish(step);
  }
  {
    Step step("6b FOK buy 0.005 @ 61950.0 against 0.001 -> Canceled, no trade");
    auto resting = newOrder("S4", SELL, BTC, "0.001", "61950.0");
    if (!send(resting, kMaker2)) step.fail("cannot send");
    expectExec(run, step, kMaker2, Exec("S4", E_NEW, S_NEW, BTC, SELL, "0.001", "61950", "0", "0.001", "0", &id["S4"]));
    auto fok = newOrder("K1", BUY, BTC, "0.005", "61950.0", FOK);
    if (!send(fok, kMaker)) step.fail("cannot send");
    auto got = run.expect(step, kMaker, 1);
    // The exchange may acknowledge the order (New) before canceling it; nothing else may come.
    if (got.size() == 1 && got[0].isSetField(FIX::FIELD::ExecType) &&
        got[0].getField(FIX::FIELD::ExecType) == std::string(1, E_NEW)) {
      run.exec(step, kMaker, got[0],
               Exec("K1", E_NEW, S_NEW, BTC, BUY, "0.005", "61950", "0", "0.005", "0", &id["K1"]).tif(FOK));
      got = run.expect(step, kMaker, 1);
    }
    if (got.size() == 1)
      run.exec(step, kMaker, got[0],
               Exec("K1", E_CANCELED, S_CANCELED, BTC, BUY, "0.005", "61950", "0", "0", "0", &id["K1"]).tif(FOK));
    run.finish(step);  // MAKER2's S4 must not have traded: nothing more may arrive
  }
  {
    Step step("6c MAKER2 cancel S4 (untouched by the FOK) -> Canceled");
    auto c = cancelOrder("S4", "S4C", "", SELL, BTC, "0.001");
    if (!send(c, kMaker2)) step.fail("cannot send");
    expectExec(run, step, kMaker2,
               Exec("S4C", E_CANCELED, S_CANCELED, BTC, SELL, "0.001", "61950", "0", "0", "0", &id["S4"]).orig("S4"));
    run.finish(step);
  }

  // 7. Self-trade prevention.
  {
    Step step("7 self-trade prevention: MAKER buy crossing its own sell -> the resting sell Canceled");
    auto sell = newOrder("S5", SELL, BTC, "0.001", "62000.0");
    if (!send(sell, kMaker)) step.fail("cannot send");
    expectExec(run, step, kMaker, Exec("S5", E_NEW, S_NEW, BTC, SELL, "0.001", "62000", "0", "0.001", "0", &id["S5"]));
    auto buy = newOrder("B5", BUY, BTC, "0.001", "62000.0");
    if (!send(buy, kMaker)) step.fail("cannot send");
    // New for B5 and Canceled for S5, in either order; B5 then rests.
    for (const FIX::Message& m : run.expect(step, kMaker, 2)) {
      if (m.isSetField(FIX::FIELD::ClOrdID) && m.getField(FIX::FIELD::ClOrdID) == "B5")
        run.exec(step, kMaker, m, Exec("B5", E_NEW, S_NEW, BTC, BUY, "0.001", "62000", "0", "0.001", "0", &id["B5"]));
      else
        run.exec(step, kMaker, m,
                 Exec("S5", E_CANCELED, S_CANCELED, BTC, SELL, "0.001", "62000", "0", "0", "0", &id["S5"])
                     .mentions("self-trade"));
    }
    // B5 rests alone: cancel it.
    auto c = cancelOrder("B5", "B5C", "", BUY, BTC, "0.001");
    if (!send(c, kMaker)) step.fail("cannot send");
    expectExec(run, step, kMaker,
               Exec("B5C", E_CANCELED, S_CANCELED, BTC, BUY, "0.001", "62000", "0", "0", "0", &id["B5"]).orig("B5"));
    run.finish(step);  // MAKER2 must have received nothing
  }

  // 8. Market data on ETHUSDT.
  {
    Step step("8a MAKER2 MarketDataRequest ETHUSDT depth 5 (bid, offer, trade) -> W snapshot with MAKER's offer");
    auto offer = newOrder("E1", SELL, ETH, "0.010", "3000.00");
    if (!send(offer, kMaker)) step.fail("cannot send");
    expectExec(run, step, kMaker, Exec("E1", E_NEW, S_NEW, ETH, SELL, "0.01", "3000", "0", "0.01", "0", &id["E1"]));
    auto request = marketDataRequest("MD1", ETH, 5);
    if (!send(request, kMaker2)) step.fail("cannot send");
    auto got = run.expect(step, kMaker2, 1);
    if (got.size() == 1 && run.isType(step, "MAKER2 W", got[0], FIX::MsgType_MarketDataSnapshotFullRefresh)) {
      run.field(step, "MAKER2 W", got[0], FIX::FIELD::MDReqID, "MD1");
      run.field(step, "MAKER2 W", got[0], FIX::FIELD::Symbol, ETH);
      checkEntries(run, step, "MAKER2 W", got[0], {{0, FIX::MDEntryType_OFFER, "3000", "0.01"}}, false, ETH);
    }
    run.finish(step);
  }
  {
    Step step("8b MAKER limit buy 0.020 ETHUSDT @ 2999.50 -> MAKER2 X new bid level");
    auto bid = newOrder("E2", BUY, ETH, "0.020", "2999.50");
    if (!send(bid, kMaker)) step.fail("cannot send");
    expectExec(run, step, kMaker, Exec("E2", E_NEW, S_NEW, ETH, BUY, "0.02", "2999.5", "0", "0.02", "0", &id["E2"]));
    auto got = run.expect(step, kMaker2, 1);
    if (got.size() == 1 && run.isType(step, "MAKER2 X", got[0], FIX::MsgType_MarketDataIncrementalRefresh)) {
      run.field(step, "MAKER2 X", got[0], FIX::FIELD::MDReqID, "MD1");
      checkEntries(run, step, "MAKER2 X", got[0], {{FIX::MDUpdateAction_NEW, FIX::MDEntryType_BID, "2999.5", "0.02"}},
                   true, ETH);
    }
    run.finish(step);
  }
  {
    Step step("8c MAKER2 buy 0.004 ETHUSDT @ 3000.00 -> fills; X offer level changed and trade");
    auto buy = newOrder("E3", BUY, ETH, "0.004", "3000.00");
    if (!send(buy, kMaker2)) step.fail("cannot send");
    auto taker = run.expect(step, kMaker2, 3);  // New, Trade, X
    auto maker = run.expect(step, kMaker, 1);
    FIX::Message x;
    const bool haveX = pick(taker, FIX::MsgType_MarketDataIncrementalRefresh, x);
    if (taker.size() >= 1)
      run.exec(step, kMaker2, taker[0],
               Exec("E3", E_NEW, S_NEW, ETH, BUY, "0.004", "3000", "0", "0.004", "0", &id["E3"]));
    if (taker.size() >= 2)
      run.exec(step, kMaker2, taker[1],
               Exec("E3", E_TRADE, S_FILLED, ETH, BUY, "0.004", "3000", "0.004", "0", "3000", &id["E3"])
                   .last("3000", "0.004"));
    if (maker.size() == 1)
      run.exec(step, kMaker, maker[0],
               Exec("E1", E_TRADE, S_PARTIAL, ETH, SELL, "0.01", "3000", "0.004", "0.006", "3000", &id["E1"])
                   .last("3000", "0.004"));
    if (haveX) {
      run.field(step, "MAKER2 X", x, FIX::FIELD::MDReqID, "MD1");
      checkEntries(run, step, "MAKER2 X", x,
                   {{FIX::MDUpdateAction_CHANGE, FIX::MDEntryType_OFFER, "3000", "0.006"},
                    {FIX::MDUpdateAction_NEW, FIX::MDEntryType_TRADE, "3000", "0.004"}},
                   true, ETH);
    } else if (taker.size() == 3) {
      step.fail("MAKER2: no MarketDataIncrementalRefresh (X) after the trade");
    }
    run.finish(step);
  }
  {
    Step step("8d MarketDataRequest for an unknown symbol -> Y 281=0");
    auto request = marketDataRequest("MD2", "NOSUCH", 5);
    if (!send(request, kMaker2)) step.fail("cannot send");
    auto got = run.expect(step, kMaker2, 1);
    if (got.size() == 1 && run.isType(step, "MAKER2 Y", got[0], FIX::MsgType_MarketDataRequestReject)) {
      run.field(step, "MAKER2 Y", got[0], FIX::FIELD::MDReqID, "MD2");
      run.field(step, "MAKER2 Y", got[0], FIX::FIELD::MDReqRejReason,
                std::string(1, FIX::MDReqRejReason_UNKNOWN_SYMBOL));
    }
    run.finish(step);
  }
  {
    Step step("8e MAKER2 unsubscribes MD1 (263=2); a new ETHUSDT bid of MAKER -> no X");
    auto request =
        marketDataRequest("MD1", ETH, 5, FIX::SubscriptionRequestType_DISABLE_PREVIOUS_SNAPSHOT_PLUS_UPDATE_REQUEST);
    if (!send(request, kMaker2)) step.fail("cannot send");
    auto bid = newOrder("E4", BUY, ETH, "0.001", "2999.00");
    if (!send(bid, kMaker)) step.fail("cannot send");
    expectExec(run, step, kMaker, Exec("E4", E_NEW, S_NEW, ETH, BUY, "0.001", "2999", "0", "0.001", "0", &id["E4"]));
    run.finish(step);  // nothing may arrive for MAKER2
  }
}

// MARK: - Setup

std::string settingsText(const std::string& host, long port, const std::string& dictionary, const std::string& logDir) {
  std::ostringstream out;
  out << "# Generated by order_client.\n"
      << "[DEFAULT]\n"
      << "ConnectionType=initiator\n"
      << "BeginString=FIX.4.4\n"
      << "TargetCompID=" << kExchange << "\n"
      << "SocketConnectHost=" << host << "\n"
      << "SocketConnectPort=" << port << "\n"
      << "HeartBtInt=30\n"
      << "ReconnectInterval=1\n"
      << "StartTime=00:00:00\n"
      << "EndTime=00:00:00\n"
      << "ResetOnLogon=Y\n"
      << "UseDataDictionary=Y\n"
      << "DataDictionary=" << dictionary << "\n"
      << "SocketNodelay=Y\n";
  if (!logDir.empty()) out << "FileLogPath=" << logDir << "\n";
  out << "\n[SESSION]\nSenderCompID=" << kMaker << "\n"
      << "\n[SESSION]\nSenderCompID=" << kMaker2 << "\n";
  return out.str();
}

int usage() {
  std::cerr << "usage: order_client PORT [--host HOST] [--dictionary PATH] [--work DIR] [--timeout SECONDS]\n"
               "  (see the top of order_client.cpp)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  long port = 0, timeout = 5;
  if (!parseNumber(argv[1], 1, 65535, port)) {
    std::cerr << "order_client: bad port: " << argv[1] << "\n";
    return usage();
  }
  std::string host = "127.0.0.1", dictionary, work;
  for (int i = 2; i < argc; i += 2) {
    const std::string option = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string value = argv[i + 1];
    if (option == "--host") host = value;
    else if (option == "--dictionary") dictionary = value;
    else if (option == "--work") work = value;
    else if (option == "--timeout") {
      if (!parseNumber(value, 1, 3600, timeout)) return usage();
    } else return usage();
  }
  dictionary = dictionary.empty() ? defaultDictionary() : absolutePath(dictionary);
  if (!isFile(dictionary)) {
    std::cerr << "order_client: data dictionary not found (--dictionary PATH)\n";
    return 2;
  }
  std::string logDir;
  if (!work.empty()) {
    if (mkdir(work.c_str(), 0755) != 0 && errno != EEXIST) {
      std::cerr << "order_client: cannot create " << work << ": " << std::strerror(errno) << "\n";
      return 2;
    }
    work = absolutePath(work);
    logDir = work + "/log";
  }
  const std::string settings = settingsText(host, port, dictionary, logDir);
  if (!work.empty()) {
    std::ofstream cfg((work + "/order_client.cfg").c_str());
    cfg << settings;
  }
  signal(SIGPIPE, SIG_IGN);

  ClientApplication app;
  FIX::MemoryStoreFactory storeFactory;
  std::unique_ptr<FIX::SessionSettings> sessionSettings;
  std::unique_ptr<FIX::FileLogFactory> logFactory;
  std::unique_ptr<FIX::Initiator> initiator;
  try {
    std::istringstream in(settings);
    sessionSettings.reset(new FIX::SessionSettings(in));
    if (!logDir.empty()) {
      logFactory.reset(new FIX::FileLogFactory(*sessionSettings));
      initiator.reset(new FIX::ThreadedSocketInitiator(app, storeFactory, *sessionSettings, *logFactory));
    } else {
      initiator.reset(new FIX::ThreadedSocketInitiator(app, storeFactory, *sessionSettings));
    }
    initiator->start();
  } catch (const FIX::ConfigError& error) {
    std::cerr << "order_client: configuration error: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "order_client: " << error.what() << "\n";
    return 2;
  }
  std::cout << "order_client: connecting to " << host << ":" << port << " as " << kMaker << " and " << kMaker2
            << " (dictionary " << dictionary << ")" << std::endl;

  Run run(app, std::chrono::seconds(timeout));
  {
    Step step("0 MAKER and MAKER2 log on");
    if (!app.waitLoggedOn({kMaker, kMaker2}, true, std::chrono::seconds(timeout * 2)))
      step.fail("not both logged on within " + std::to_string(timeout * 2) + " s");
    const bool ok = step.differences.empty();
    run.finish(step);
    if (ok) scenario(run);
  }
  {
    Step step("9 MAKER and MAKER2 log out");
    app.setLoggingOut();
    for (const char* who : {kMaker, kMaker2}) {
      FIX::Session* session = FIX::Session::lookupSession(sessionOf(who));
      if (session != nullptr) session->logout();
    }
    if (!app.waitLoggedOn({kMaker, kMaker2}, false, run.timeout()))
      step.fail("not both logged out within " + std::to_string(timeout) + " s");
    run.finish(step);
  }
  initiator->stop(true);
  std::cout << run.passed() << " passed, " << run.failed() << " failed" << std::endl;
  return run.failed() == 0 ? 0 : 1;
}
