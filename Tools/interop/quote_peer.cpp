// quote_peer: a minimal venue on QuickFIX C++ (an acceptor EXCH for MAKER) that the market maker
// `mm quote` trades against, checking what the maker does. Tools/interop/quote.sh builds it,
// starts it, and runs `mm quote` against it.
//
//   quote_peer PORT [--dictionary PATH] [--work DIR] [--timeout SECONDS] [--market-seconds S]
//              [--interval-ms MS] [--race-percent P] [--closing-market on|off] [--levels N] [--lots N]
//              [--seed N]
//
// One session EXCH -> MAKER (FIX.4.4, memory store, ResetOnLogon=Y, UseDataDictionary=Y with the
// repository's Specs/FIX44.xml, so QuickFIX validates every message of the maker). The venue
// lists BTCUSDT (tick 0.1, lot 0.001):
//   - MarketDataRequest (V) -> MarketDataSnapshotFullRefresh (W): bid 61800.0, offer 61800.1.
//     Once the maker's initial ladder is in (2 x --levels NewOrderSingles, or 2 s), every
//     --interval-ms (50) for --market-seconds (4) an incremental refresh (X) moves the market by
//     1 or 2 ticks up or down (delete of the old best bid and offer, new of the new ones, Symbol
//     in each entry; every fourth or so also a trade entry, MDEntryType 2). Then the market
//     pauses for a second, the ladder is checked, and (--closing-market on, the default) it
//     moves on the same way until the maker logs out: a live market does not stop while the
//     maker does (`mm quote --duration 6` stops about a second into this closing phase).
//   - The maker's working orders that the market moves through (a bid at or above the new best
//     offer, an offer at or below the new best bid) are filled at their price: ExecutionReport
//     Trade (150=F, 39=2, LastPx, LastQty, CumQty, LeavesQty 0, AvgPx). The fills go out before
//     the X that moves the market, except in --race-percent (30) of the moves (never the last),
//     where they follow it: the maker then sends replaces for orders already filled, which
//     cross the fills. A limit order or replace that arrives marketable fills at once at the
//     best opposite price, and so does a market order (40=1, 59=3, the maker's flattening);
//     such a fill prints as a trade entry in an X.
//   - NewOrderSingle (D) -> ExecutionReport New (150=0, 39=0); OrderCancelReplaceRequest (G) ->
//     Replaced (150=5), or OrderCancelReject (9, 434=2: 102=0 for a filled order, 102=1 for an
//     unknown one); OrderCancelRequest (F) -> Canceled (150=4, 39=4), or 9 (434=1).
//   - The maker's reconciliation after logon: OrderMassStatusRequest (AF) -> a status report
//     (150=I) a working order, or one with OrderID NONE and TotNumReports 0; RequestForPositions
//     (AN) -> RequestForPositionsAck (AO), then a PositionReport (AP) unless the maker is flat.
//
// What it checks, each printed as `PASS <check>` or `FAIL <check>: <what>`:
//    1 MAKER logs on and subscribes (V for BTCUSDT, snapshot plus updates, bids and offers)
//    2 no Reject (3) or BusinessMessageReject (j) sent by QuickFIX: every message of the maker
//      passed validation
//    3 no Reject or BusinessMessageReject from the maker (it accepted everything the venue sent)
//    4 order fields: Symbol, Side (a replace or cancel keeps the order's side), OrdType, Price
//      only on limit orders, market orders IOC, ClOrdIDs never reused, ladder orders of --lots
//    5 every OrderCancelRequest carries OrderQty (38) = CumQty + LeavesQty: FIX 4.4 requires the
//      OrderQtyData component in F (QuickFIX's dictionary cannot say "one of its fields", so its
//      validation lets an F without any through)
//    6 every price on the 0.1 tick, every quantity on the 0.001 lot
//    7 the initial ladder after the snapshot: --levels bids at the best bid, -1, ... ticks and
//      --levels offers at the best offer, +1, ... ticks, --lots lots each
//    8 at most --levels working orders on each side, after every message of the maker
//    9 the maker's working bids below its working offers, after every message
//   10 every G and F names a working order; one naming an order filled less than 2 s before
//      (the request crossed the fill) is allowed and counted
//   11 the ladder moves by replace (first phase and pause): G messages while the market moves, no
//      F (unless a net-position stop, seen as a flattening market order, pulls a side), and
//      NewOrderSingles after the initial ladder only to refill levels emptied by fills (or after
//      such a stop)
//   12 at the end of the pause (or at the maker's first end-of-run cancel, if that comes more
//      than 500 ms into it), the ladder is on its target: --levels bids from the best bid down
//      and --levels offers from the best offer up (not checked after a stop)
//   13 market orders (if any): 40=1, 59=3, no Price
//   14 at the end the maker cancels everything and quotes no more while the market moves on: no
//      NewOrderSingle or replace after its end-of-run cancels, no working order at its Logout
//   15 the maker logs out: its Logout answered by ours (handshake complete)
// It then prints `counts news N market N replaces N cancels N fills N moves N ... position Q`
// (for quote.sh to compare with the maker's summary) and `N passed, N failed`. Exit status: 0 when
// everything passed, 1 otherwise (also when the maker does not log out within --timeout, default
// 60 s), 2 on a usage or configuration error.
//
// Settings (quote_peer.cfg) and, with --work DIR, QuickFIX's message and event logs (FileLog in
// DIR/log) go to --work DIR; without it the settings go to a temporary directory, removed at exit.
//
// Build: g++ -std=c++14 -O2 -Wall -Wno-deprecated quote_peer.cpp -o quote_peer -lquickfix -lpthread
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
#include <quickfix/ThreadedSocketAcceptor.h>
#include <quickfix/Values.h>
#include <quickfix/fix44/ExecutionReport.h>
#include <quickfix/fix44/MarketDataIncrementalRefresh.h>
#include <quickfix/fix44/MarketDataRequestReject.h>
#include <quickfix/fix44/MarketDataSnapshotFullRefresh.h>
#include <quickfix/fix44/OrderCancelReject.h>
#include <quickfix/fix44/PositionReport.h>
#include <quickfix/fix44/RequestForPositions.h>
#include <quickfix/fix44/RequestForPositionsAck.h>

#include "tool_support.hpp"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
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
const char* const kSymbol = "BTCUSDT";
// Decimals are handled as integers of 1e-8: the tick (0.1) and the lot (0.001) in those units.
const long long kUnitsPerTick = 10000000LL;
const long long kUnitsPerLot = 100000LL;
const long long kInitialBid = 618000;  // ticks: 61800.0
const char kBuy = FIX::Side_BUY;
const char kSell = FIX::Side_SELL;

// MARK: - Helpers

std::string field(const FIX::FieldMap& m, int tag) {
  return m.isSetField(tag) ? m.getField(tag) : std::string();
}

// A FIX decimal as an integer of 1e-8 units; false when it is not a decimal or has nonzero digits
// beyond the eighth decimal place.
bool parseUnits(const std::string& s, long long& out) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  long long whole = 0, fraction = 0;
  int fractionDigits = 0, digits = 0;
  bool dot = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      if (dot) return false;
      dot = true;
    } else if (c >= '0' && c <= '9') {
      ++digits;
      if (!dot) {
        if (whole > 100000000000LL) return false;  // beyond any price or quantity here
        whole = whole * 10 + (c - '0');
      } else if (fractionDigits < 8) {
        fraction = fraction * 10 + (c - '0');
        ++fractionDigits;
      } else if (c != '0') {
        return false;
      }
    } else {
      return false;
    }
  }
  if (digits == 0) return false;
  for (int k = fractionDigits; k < 8; ++k) fraction *= 10;
  out = whole * 100000000LL + fraction;
  if (negative) out = -out;
  return true;
}

std::string priceText(long long ticks) {
  std::ostringstream out;
  if (ticks < 0) {
    out << '-';
    ticks = -ticks;
  }
  out << ticks / 10 << '.' << ticks % 10;
  return out.str();
}

std::string quantityText(long long lots) {
  char buffer[32];
  snprintf(buffer, sizeof(buffer), "%lld.%03lld", lots / 1000, lots % 1000);
  return buffer;
}

// Average price of `tickLots` (sum of ticks x lots) over `lots`, as a decimal (8 places at most).
std::string averageText(long long tickLots, long long lots) {
  if (lots == 0) return "0";
  const long double value = static_cast<long double>(tickLots) / lots / 10.0L;
  char buffer[64];
  snprintf(buffer, sizeof(buffer), "%.8Lf", value);
  std::string s = buffer;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string sideName(char side) { return side == kBuy ? "bid" : side == kSell ? "offer" : "side?"; }

// MARK: - Checks

class Check {
public:
  explicit Check(const std::string& name) : name_(name) {}
  void fail(const std::string& what) {
    if (details_.size() < 4) details_.push_back(what);
    ++failures_;
  }
  void note(const std::string& what) { notes_ = what; }
  bool ok() const { return failures_ == 0; }
  const std::string& name() const { return name_; }

  // Prints PASS or FAIL; returns whether it passed.
  bool report() const {
    if (failures_ == 0) {
      std::cout << "PASS " << name_ << (notes_.empty() ? "" : " (" + notes_ + ")") << std::endl;
      return true;
    }
    std::cout << "FAIL " << name_ << ": " << details_[0] << std::endl;
    for (size_t i = 1; i < details_.size(); ++i) std::cout << "  also: " << details_[i] << std::endl;
    if (failures_ > details_.size())
      std::cout << "  ... " << failures_ - details_.size() << " more of the kind" << std::endl;
    if (!notes_.empty()) std::cout << "  (" << notes_ << ")" << std::endl;
    return false;
  }

private:
  std::string name_;
  std::vector<std::string> details_;
  size_t failures_ = 0;
  std::string notes_;
};

// MARK: - The application: QuickFIX's callbacks feed the venue's queue

// What the session thread hands to the venue thread, in order.
struct Event {
  enum Kind { kLogon, kApp, kLogout } kind;
  FIX::Message message;
  Clock::time_point at;
};

// QuickFIX calls this from the session's thread. Application messages and session events go to
// a queue the venue thread works through (the venue thread alone sends); session-level problems
// are noted here. No lock of ours is held while calling into QuickFIX.
class PeerApplication : public FIX::Application {
public:
  void onCreate(const FIX::SessionID&) override {}

  void onLogon(const FIX::SessionID&) override { push(Event::kLogon, FIX::Message()); }

  void onLogout(const FIX::SessionID&) override { push(Event::kLogout, FIX::Message()); }

  void toAdmin(FIX::Message& message, const FIX::SessionID&) override {
    const std::string type = msgType(message);
    std::lock_guard<std::mutex> lock(mutex_);
    if (type == FIX::MsgType_Reject) {
      sentRejects_.push_back("QuickFIX rejected a message of the maker: " + text(message));
    } else if (type == FIX::MsgType_Logout) {
      if (receivedLogout_) answeredLogout_ = true;
      else sentLogoutFirst_.push_back(text(message));
    }
  }

  void toApp(FIX::Message& message, const FIX::SessionID&) throw(FIX::DoNotSend) override {
    if (msgType(message) == FIX::MsgType_BusinessMessageReject) {
      std::lock_guard<std::mutex> lock(mutex_);
      sentRejects_.push_back("QuickFIX sent a BusinessMessageReject: " + text(message));
    }
  }

  void fromAdmin(const FIX::Message& message, const FIX::SessionID&)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override {
    const std::string type = msgType(message);
    std::lock_guard<std::mutex> lock(mutex_);
    if (type == FIX::MsgType_Reject) receivedRejects_.push_back("the maker rejected a message: " + text(message));
    else if (type == FIX::MsgType_Logout) receivedLogout_ = true;
    else if (type == FIX::MsgType_Logon) logon_ = text(message);
  }

  void fromApp(const FIX::Message& message, const FIX::SessionID&)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue,
            FIX::UnsupportedMessageType) override {
    push(Event::kApp, message);
  }

  // Waits until `deadline` for the next event.
  bool next(Event& out, Clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    while (queue_.empty()) {
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout && queue_.empty()) return false;
    }
    out = queue_.front();
    queue_.pop_front();
    return true;
  }

  std::vector<std::string> sentRejects() {
    std::lock_guard<std::mutex> lock(mutex_);
    return sentRejects_;
  }
  std::vector<std::string> receivedRejects() {
    std::lock_guard<std::mutex> lock(mutex_);
    return receivedRejects_;
  }
  bool receivedLogout() {
    std::lock_guard<std::mutex> lock(mutex_);
    return receivedLogout_;
  }
  bool answeredLogout() {
    std::lock_guard<std::mutex> lock(mutex_);
    return answeredLogout_;
  }
  std::vector<std::string> sentLogoutFirst() {
    std::lock_guard<std::mutex> lock(mutex_);
    return sentLogoutFirst_;
  }
  std::string logon() {
    std::lock_guard<std::mutex> lock(mutex_);
    return logon_;
  }

private:
  void push(Event::Kind kind, const FIX::Message& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(Event{kind, message, Clock::now()});
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Event> queue_;
  std::vector<std::string> sentRejects_, receivedRejects_, sentLogoutFirst_;
  bool receivedLogout_ = false;
  bool answeredLogout_ = false;
  std::string logon_;
};

// MARK: - The venue

struct Options {
  long marketMillis = 4000;
  long racePercent = 30;
  bool closingMarket = true;
  long intervalMillis = 50;
  long levels = 5;
  long lots = 1;
  long timeoutSeconds = 60;
  unsigned long seed = 0;
};

struct Order {
  std::string clOrdID;  // the current one (after replaces)
  std::string orderID;
  char side = 0;
  char ordType = FIX::OrdType_LIMIT;
  std::string timeInForce;  // as received; empty when absent
  long long price = 0;      // ticks (limit orders)
  long long quantity = 0;   // lots, total
  long long cum = 0;        // lots filled
  long long tickLots = 0;   // sum of price x quantity of the fills
};

struct Filled {
  Clock::time_point at;
  std::string orderID;
  char side;
};

// The venue's logic, all on one thread: it handles the maker's messages in order, moves the
// market, fills, and keeps the checks.
class Venue {
public:
  Venue(PeerApplication& app, const Options& options)
      : app_(app), options_(options), random_(options.seed), session_("FIX.4.4", kExchange, kMaker),
        logon_("1 MAKER logs on and subscribes to BTCUSDT market data (V)"),
        validation_("2 every message of the maker passes QuickFIX validation "
                    "(no Reject or BusinessMessageReject sent)"),
        accepted_("3 the maker accepts every message of the venue (no Reject or BusinessMessageReject received)"),
        fields_("4 order fields: Symbol, Side, OrdType, Price, unique ClOrdIDs, ladder orders of " +
                quantityText(options.lots) + " BTC"),
        cancelQty_("5 every OrderCancelRequest (F) carries OrderQtyData: OrderQty (38) = CumQty + LeavesQty"),
        grid_("6 prices on the 0.1 tick, quantities on the 0.001 lot"),
        initial_("7 initial ladder: " + std::to_string(options.levels) + " bids from 61800.0 down and " +
                 std::to_string(options.levels) + " offers from 61800.1 up, one tick apart"),
        perSide_("8 at most " + std::to_string(options.levels) + " working orders per side after every message"),
        uncrossed_("9 the maker's working bids always below its working offers"),
        named_("10 every G and F names a working order (requests crossing a fill excepted)"),
        byReplace_("11 the ladder moves by replace (G), not cancel (F) then new (D)"),
        tracking_("12 once the market stops, the ladder stands on the final best bid and offer"),
        market_("13 market orders (flattening): 40=1, 59=3, no Price"),
        canceled_("14 at the end the maker cancels every order and quotes no more (none working at its Logout)"),
        logout_("15 the maker logs out (Logout answered, handshake complete)") {}

  // Runs until the maker logs out or the time is up; returns the exit status.
  int run() {
    const Clock::time_point deadline = Clock::now() + std::chrono::seconds(options_.timeoutSeconds);
    bool loggedOut = false, timedOut = false;
    while (!loggedOut) {
      Clock::time_point wake = deadline;
      if (marketRunning_ || closing_) wake = std::min(wake, nextTick_);
      if (snapshotSent_ && !marketStarted_) wake = std::min(wake, snapshotAt_ + std::chrono::seconds(2));
      if (marketStarted_ && !marketRunning_ && !trackingChecked_) wake = std::min(wake, trackingAt_);
      if (initialDone_ && !marketStarted_) wake = std::min(wake, marketStartAt_);
      Event event;
      if (app_.next(event, wake)) {
        if (event.kind == Event::kLogon) {
          loggedOn_ = true;
          logonAt_ = event.at;
        } else if (event.kind == Event::kLogout) {
          loggedOut = true;
          logoutAt_ = event.at;
        } else {
          handle(event.message, event.at);
        }
      }
      const Clock::time_point now = Clock::now();
      if (snapshotSent_ && !initialDone_ && now >= snapshotAt_ + std::chrono::seconds(2)) finishInitial(now);
      if (initialDone_ && !marketStarted_ && now >= marketStartAt_) startMarket(now);
      while ((marketRunning_ || closing_) && now >= nextTick_) tick(now);
      if (marketStarted_ && !marketRunning_ && !trackingChecked_ && now >= trackingAt_) checkTracking(now);
      if (!loggedOut && now >= deadline) {
        timedOut = true;
        break;
      }
    }
    return finish(loggedOut, timedOut);
  }

private:
  // MARK: Messages from the maker

  void handle(const FIX::Message& m, Clock::time_point at) {
    const std::string type = msgType(m);
    if (type == FIX::MsgType_MarketDataRequest) marketDataRequest(m, at);
    else if (type == FIX::MsgType_NewOrderSingle) newOrder(m, at);
    else if (type == FIX::MsgType_OrderCancelReplaceRequest) replace(m, at);
    else if (type == FIX::MsgType_OrderCancelRequest) cancel(m, at);
    else if (type == FIX::MsgType_OrderMassStatusRequest) massStatus(m);
    else if (type == FIX::MsgType_RequestForPositions) positions(m);
    else if (type == FIX::MsgType_BusinessMessageReject)
      accepted_.fail("BusinessMessageReject from the maker: " + text(m));
    else fields_.fail("unexpected message from the maker: " + text(m));
    checkBook(type, m);
  }

  void marketDataRequest(const FIX::Message& m, Clock::time_point at) {
    ++marketDataRequests_;
    mdReqID_ = field(m, FIX::FIELD::MDReqID);
    const std::string subscription = field(m, FIX::FIELD::SubscriptionRequestType);
    if (subscription == std::string(1, FIX::SubscriptionRequestType_DISABLE_PREVIOUS_SNAPSHOT_PLUS_UPDATE_REQUEST)) {
      subscribed_ = false;
      return;
    }
    if (subscription != std::string(1, FIX::SubscriptionRequestType_SNAPSHOT_PLUS_UPDATES))
      logon_.fail("V: SubscriptionRequestType (263) " + subscription + ", expected 1 (snapshot plus updates): " +
                  text(m));
    std::set<std::string> types;
    FIX::Group entryType(FIX::FIELD::NoMDEntryTypes, FIX::FIELD::MDEntryType);
    for (int i = 1; m.hasGroup(i, entryType); ++i) {
      m.getGroup(i, entryType);
      types.insert(field(entryType, FIX::FIELD::MDEntryType));
    }
    if (!types.count("0") || !types.count("1")) logon_.fail("V: MDEntryType (269) without both 0 and 1: " + text(m));
    std::vector<std::string> symbols;
    FIX::Group related(FIX::FIELD::NoRelatedSym, FIX::FIELD::Symbol);
    for (int i = 1; m.hasGroup(i, related); ++i) {
      m.getGroup(i, related);
      symbols.push_back(field(related, FIX::FIELD::Symbol));
    }
    if (symbols.size() != 1 || symbols[0] != kSymbol) {
      logon_.fail("V: expected one symbol BTCUSDT: " + text(m));
      FIX44::MarketDataRequestReject reject{FIX::MDReqID(mdReqID_)};
      reject.set(FIX::MDReqRejReason(FIX::MDReqRejReason_UNKNOWN_SYMBOL));
      send(reject);
      return;
    }
    if (snapshotSent_) {
      logon_.fail("a second MarketDataRequest: " + text(m));
    }
    subscribed_ = true;
    FIX44::MarketDataSnapshotFullRefresh snapshot;
    snapshot.set(FIX::MDReqID(mdReqID_));
    snapshot.set(FIX::Symbol(kSymbol));
    for (int k = 0; k < 2; ++k) {
      FIX44::MarketDataSnapshotFullRefresh::NoMDEntries entry;
      entry.set(FIX::MDEntryType(k == 0 ? FIX::MDEntryType_BID : FIX::MDEntryType_OFFER));
      entry.setField(FIX::FIELD::MDEntryPx, priceText(k == 0 ? bid_ : ask_));
      entry.setField(FIX::FIELD::MDEntrySize, quantityText(k == 0 ? 1500 : 2000));
      snapshot.addGroup(entry);
    }
    send(snapshot);
    if (!snapshotSent_) {
      snapshotSent_ = true;
      snapshotAt_ = at;
    }
  }

  // Common fields of D, G, F: returns false when the request cannot be handled at all.
  bool commonFields(const FIX::Message& m, const std::string& what, std::string& clOrdID, char& side) {
    clOrdID = field(m, FIX::FIELD::ClOrdID);
    const std::string s = field(m, FIX::FIELD::Side);
    side = s.size() == 1 ? s[0] : 0;
    if (clOrdID.empty()) {
      fields_.fail(what + " without ClOrdID (11): " + text(m));
      return false;
    }
    if (!usedClOrdIDs_.insert(clOrdID).second) fields_.fail(what + " reuses ClOrdID " + clOrdID + ": " + text(m));
    if (field(m, FIX::FIELD::Symbol) != kSymbol) fields_.fail(what + " Symbol (55) is not BTCUSDT: " + text(m));
    if (side != kBuy && side != kSell) {
      fields_.fail(what + " Side (54) is not 1 or 2: " + text(m));
      return false;
    }
    return true;
  }

  // Price (44) in ticks; false (and a failure noted) when missing or off the tick.
  bool price(const FIX::Message& m, const std::string& what, long long& ticks) {
    long long units = 0;
    const std::string p = field(m, FIX::FIELD::Price);
    if (p.empty()) {
      fields_.fail(what + " without Price (44): " + text(m));
      return false;
    }
    if (!parseUnits(p, units) || units <= 0 || units % kUnitsPerTick != 0) {
      grid_.fail(what + " Price (44) " + p + " is not a positive multiple of 0.1: " + text(m));
      return false;
    }
    ticks = units / kUnitsPerTick;
    return true;
  }

  bool quantity(const FIX::Message& m, const std::string& what, long long& lots) {
    long long units = 0;
    const std::string q = field(m, FIX::FIELD::OrderQty);
    if (q.empty()) {
      fields_.fail(what + " without OrderQty (38): " + text(m));
      return false;
    }
    if (!parseUnits(q, units) || units <= 0 || units % kUnitsPerLot != 0) {
      grid_.fail(what + " OrderQty (38) " + q + " is not a positive multiple of 0.001: " + text(m));
      return false;
    }
    lots = units / kUnitsPerLot;
    return true;
  }

  void newOrder(const FIX::Message& m, Clock::time_point at) {
    std::string clOrdID;
    char side = 0;
    if (!commonFields(m, "D", clOrdID, side)) return;
    Order o;
    o.clOrdID = clOrdID;
    o.side = side;
    const std::string ordType = field(m, FIX::FIELD::OrdType);
    o.timeInForce = field(m, FIX::FIELD::TimeInForce);
    bool ok = quantity(m, "D", o.quantity);
    if (ordType == std::string(1, FIX::OrdType_MARKET)) {
      o.ordType = FIX::OrdType_MARKET;
      ++marketOrders_;
      if (o.timeInForce != std::string(1, FIX::TimeInForce_IMMEDIATE_OR_CANCEL))
        market_.fail("market order with TimeInForce (59) '" + o.timeInForce + "', expected 3 (IOC): " + text(m));
      if (m.isSetField(FIX::FIELD::Price)) market_.fail("market order with a Price (44): " + text(m));
    } else if (ordType == std::string(1, FIX::OrdType_LIMIT)) {
      ok = price(m, "D", o.price) && ok;
      if (!o.timeInForce.empty() && o.timeInForce != std::string(1, FIX::TimeInForce_DAY))
        fields_.fail("ladder order with TimeInForce (59) " + o.timeInForce + ", expected none or 0 (day): " + text(m));
      if (ok && o.quantity != options_.lots)
        fields_.fail("ladder order of " + quantityText(o.quantity) + ", expected " + quantityText(options_.lots) +
                     ": " + text(m));
      if (!snapshotSent_) initial_.fail("D before the snapshot: " + text(m));
      else if (!marketStarted_) initialOrders_.push_back(o);
      else if (!trackingChecked_) ++refills_;
      if (endCancels_ > 0) {
        if (afterCancelAll_.empty()) afterCancelAll_ = text(m);
        ++newsAfterCancelAll_;
      }
    } else {
      fields_.fail("D OrdType (40) '" + ordType + "', expected 1 or 2: " + text(m));
      ok = false;
    }
    ++news_;
    if (!ok) {
      reject(m, clOrdID, side, "invalid order");
      return;
    }
    o.orderID = "O" + std::to_string(++nextOrderID_);
    report(o, FIX::ExecType_NEW, FIX::OrdStatus_NEW, "", 0, 0);
    if (o.ordType == FIX::OrdType_MARKET) {
      const long long px = side == kBuy ? ask_ : bid_;
      fill(o, px, at);
      printTrade(px, o.quantity);
      return;
    }
    working_[clOrdID] = o;
    fillIfMarketable(clOrdID, at);
    if (!initialDone_ && static_cast<long>(initialOrders_.size()) >= 2 * options_.levels) finishInitial(at);
  }

  void replace(const FIX::Message& m, Clock::time_point at) {
    std::string clOrdID;
    char side = 0;
    const std::string orig = field(m, FIX::FIELD::OrigClOrdID);
    if (!commonFields(m, "G", clOrdID, side)) return;
    if (marketStarted_ && !trackingChecked_) ++marketReplaces_;
    if (endCancels_ > 0) {
      if (afterCancelAll_.empty()) afterCancelAll_ = text(m);
      ++replacesAfterCancelAll_;
    }
    ++replaces_;
    auto it = working_.find(orig);
    if (it == working_.end()) {
      notWorking("G", m, orig, clOrdID, at, FIX::CxlRejResponseTo_ORDER_CANCEL_REPLACE_REQUEST);
      return;
    }
    Order& o = it->second;
    if (side != o.side)
      fields_.fail("G Side " + std::string(1, side) + " for a " + sideName(o.side) + " (" + orig + "): " + text(m));
    if (field(m, FIX::FIELD::OrdType) != std::string(1, FIX::OrdType_LIMIT))
      fields_.fail("G OrdType (40) '" + field(m, FIX::FIELD::OrdType) + "', expected 2: " + text(m));
    long long px = 0, qty = 0;
    const bool okPrice = price(m, "G", px);
    const bool okQty = quantity(m, "G", qty);
    if (!okPrice || !okQty || qty <= o.cum) {
      if (okQty && qty <= o.cum) fields_.fail("G OrderQty (38) not above the filled quantity: " + text(m));
      cancelReject(m, clOrdID, orig, o.orderID, FIX::OrdStatus_NEW, FIX::CxlRejResponseTo_ORDER_CANCEL_REPLACE_REQUEST,
                   FIX::CxlRejReason_OTHER, "invalid replace");
      return;
    }
    if (qty - o.cum != options_.lots)
      fields_.fail("G leaves " + quantityText(qty - o.cum) + ", expected " + quantityText(options_.lots) + ": " +
                   text(m));
    Order moved = o;
    working_.erase(it);
    moved.clOrdID = clOrdID;
    moved.price = px;
    moved.quantity = qty;
    working_[clOrdID] = moved;
    const char status = moved.cum > 0 ? FIX::OrdStatus_PARTIALLY_FILLED : FIX::OrdStatus_NEW;
    report(moved, FIX::ExecType_REPLACED, status, orig, 0, 0);
    fillIfMarketable(clOrdID, at);
  }

  void cancel(const FIX::Message& m, Clock::time_point at) {
    std::string clOrdID;
    char side = 0;
    const std::string orig = field(m, FIX::FIELD::OrigClOrdID);
    if (!commonFields(m, "F", clOrdID, side)) return;
    ++cancels_;
    if (!m.isSetField(FIX::FIELD::OrderQty) && !m.isSetField(FIX::FIELD::CashOrderQty) &&
        !m.isSetField(FIX::FIELD::OrderPercent))
      cancelQty_.fail("F without OrderQty (38) or any other OrderQtyData field: " + text(m));
    auto it = working_.find(orig);
    if (it == working_.end()) {
      notWorking("F", m, orig, clOrdID, at, FIX::CxlRejResponseTo_ORDER_CANCEL_REQUEST);
      return;
    }
    // A cancel of a working order: the maker's end-of-run cancel once the market has stopped,
    // else a cancel while quoting. The ladder is checked before the end-of-run cancels start.
    if (endPhase(at)) {
      if (endCancels_++ == 0) endCancelAt_ = at;
    } else {
      midRunCancels_.push_back(text(m));
    }
    Order o = it->second;
    if (side != o.side)
      fields_.fail("F Side " + std::string(1, side) + " for a " + sideName(o.side) + " (" + orig + "): " + text(m));
    long long units = 0;
    const std::string q = field(m, FIX::FIELD::OrderQty);
    if (!q.empty() && (!parseUnits(q, units) || units != o.quantity * kUnitsPerLot))
      cancelQty_.fail("F OrderQty (38) " + q + " for an order of " + quantityText(o.quantity) + ": " + text(m));
    working_.erase(it);
    o.clOrdID = clOrdID;
    report(o, FIX::ExecType_CANCELED, FIX::OrdStatus_CANCELED, orig, 0, 0);
  }

  // OrderMassStatusRequest (AF): the maker's reconciliation after logon. One status report
  // (150=I) a working order with MassStatusReqID, TotNumReports and LastRptRequested; with none,
  // one report 39=8, OrderID NONE, TotNumReports 0.
  void massStatus(const FIX::Message& m) {
    ++statusRequests_;
    const std::string id = field(m, FIX::FIELD::MassStatusReqID);
    if (snapshotSent_) fields_.fail("AF after the market data snapshot (the maker reconciles before quoting): " + text(m));
    const std::string type = field(m, FIX::FIELD::MassStatusReqType);
    if (type != "1" && type != "7") fields_.fail("AF MassStatusReqType (585) " + type + ", expected 1 or 7: " + text(m));
    if (type == "1" && field(m, FIX::FIELD::Symbol) != kSymbol) fields_.fail("AF Symbol (55) is not BTCUSDT: " + text(m));
    const long total = static_cast<long>(working_.size());
    if (total == 0) {
      FIX44::ExecutionReport r(FIX::OrderID("NONE"), FIX::ExecID("X" + std::to_string(++nextExecID_)),
                               FIX::ExecType(FIX::ExecType_ORDER_STATUS), FIX::OrdStatus(FIX::OrdStatus_REJECTED),
                               FIX::Side(kBuy), FIX::LeavesQty(0), FIX::CumQty(0), FIX::AvgPx(0));
      r.set(FIX::MassStatusReqID(id));
      r.set(FIX::TotNumReports(0));
      r.set(FIX::LastRptRequested(true));
      r.set(FIX::Symbol(kSymbol));
      r.set(FIX::Text("No working orders"));
      r.set(FIX::TransactTime());
      send(r);
      return;
    }
    long i = 0;
    for (const auto& entry : working_) {
      const Order& o = entry.second;
      report(o, FIX::ExecType_ORDER_STATUS, o.cum > 0 ? FIX::OrdStatus_PARTIALLY_FILLED : FIX::OrdStatus_NEW, "", 0, 0,
             id, total, ++i == total);
    }
  }

  // RequestForPositions (AN): RequestForPositionsAck (AO), then one PositionReport (AP) of the
  // maker's BTCUSDT position (PosType TOT), or the ack alone with PosReqResult 2 when flat.
  void positions(const FIX::Message& m) {
    ++positionRequests_;
    if (snapshotSent_) fields_.fail("AN after the market data snapshot (the maker reconciles before quoting): " + text(m));
    const std::string id = field(m, FIX::FIELD::PosReqID);
    FIX44::RequestForPositionsAck ack;
    ack.set(FIX::PosMaintRptID("P" + std::to_string(++nextReportID_)));
    ack.set(FIX::PosReqID(id));
    ack.set(FIX::TotalNumPosReports(position_ == 0 ? 0 : 1));
    ack.set(FIX::PosReqResult(position_ == 0 ? FIX::PosReqResult_NO_POSITIONS_FOUND_THAT_MATCH_CRITERIA
                                             : FIX::PosReqResult_VALID_REQUEST));
    ack.set(FIX::PosReqStatus(FIX::PosReqStatus_COMPLETED));
    copyParties(m, ack);
    ack.setField(FIX::FIELD::Account, field(m, FIX::FIELD::Account));
    ack.setField(FIX::FIELD::AccountType, field(m, FIX::FIELD::AccountType));
    send(ack);
    if (position_ == 0) return;
    FIX44::PositionReport r;
    r.set(FIX::PosMaintRptID("P" + std::to_string(++nextReportID_)));
    r.set(FIX::PosReqID(id));
    r.set(FIX::PosReqType(FIX::PosReqType_POSITIONS));
    r.set(FIX::TotalNumPosReports(1));
    r.set(FIX::PosReqResult(FIX::PosReqResult_VALID_REQUEST));
    r.setField(FIX::FIELD::ClearingBusinessDate, field(m, FIX::FIELD::ClearingBusinessDate));
    copyParties(m, r);
    r.setField(FIX::FIELD::Account, field(m, FIX::FIELD::Account));
    r.setField(FIX::FIELD::AccountType, field(m, FIX::FIELD::AccountType));
    r.set(FIX::Symbol(kSymbol));
    const long long mid2 = bid_ + ask_;  // twice the mid, in ticks
    r.setField(FIX::FIELD::SettlPrice, averageText(mid2, 2));
    r.set(FIX::SettlPriceType(FIX::SettlPriceType_THEORETICAL));
    r.setField(FIX::FIELD::PriorSettlPrice, averageText(mid2, 2));
    FIX44::PositionReport::NoPositions quantities;
    quantities.set(FIX::PosType(FIX::PosType_TOTAL_TRANSACTION_QTY));
    quantities.setField(FIX::FIELD::LongQty, quantityText(position_ > 0 ? position_ : 0));
    quantities.setField(FIX::FIELD::ShortQty, quantityText(position_ < 0 ? -position_ : 0));
    r.addGroup(quantities);
    send(r);
  }

  static void copyParties(const FIX::Message& from, FIX::Message& to) {
    const int count = from.groupCount(FIX::FIELD::NoPartyIDs);
    for (int i = 1; i <= count; ++i) {
      FIX44::RequestForPositions::NoPartyIDs party;
      from.getGroup(i, party);
      to.addGroup(party);
    }
  }

  // A G or F naming an order that is not working: crossing a fill (allowed) or a mistake.
  void notWorking(const std::string& what, const FIX::Message& m, const std::string& orig, const std::string& clOrdID,
                  Clock::time_point at, char responseTo) {
    auto f = filled_.find(orig);
    if (f != filled_.end()) {
      const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(at - f->second.at).count();
      if (ms <= 2000) {
        ++crossing_;
      } else {
        named_.fail(what + " for " + orig + ", filled " + std::to_string(ms) + " ms before: " + text(m));
      }
      cancelReject(m, clOrdID, orig, f->second.orderID, FIX::OrdStatus_FILLED, responseTo,
                   FIX::CxlRejReason_TOO_LATE_TO_CANCEL, "too late: the order is filled");
      return;
    }
    named_.fail(what + " for " + (orig.empty() ? std::string("(no OrigClOrdID)") : orig) +
                ", which is not a working order: " + text(m));
    cancelReject(m, clOrdID, orig.empty() ? "NONE" : orig, "NONE", FIX::OrdStatus_REJECTED, responseTo,
                 FIX::CxlRejReason_UNKNOWN_ORDER, "unknown order");
  }

  // MARK: Checks after each message

  void checkBook(const std::string& type, const FIX::Message& m) {
    long bids = 0, offers = 0;
    long long highestBid = LLONG_MIN, lowestOffer = LLONG_MAX;
    for (const auto& kv : working_) {
      const Order& o = kv.second;
      if (o.side == kBuy) {
        ++bids;
        highestBid = std::max(highestBid, o.price);
      } else {
        ++offers;
        lowestOffer = std::min(lowestOffer, o.price);
      }
    }
    maxBids_ = std::max(maxBids_, bids);
    maxOffers_ = std::max(maxOffers_, offers);
    if (bids > options_.levels || offers > options_.levels)
      perSide_.fail(std::to_string(bids) + " bids and " + std::to_string(offers) + " offers working after " + text(m));
    if (highestBid != LLONG_MIN && lowestOffer != LLONG_MAX && highestBid >= lowestOffer)
      uncrossed_.fail("bid " + priceText(highestBid) + " >= offer " + priceText(lowestOffer) + " after " + type + " " +
                      text(m));
  }

  // MARK: Market

  // The initial ladder is in (2 x levels orders, or 2 s after the snapshot): the market starts
  // 100 ms later; every order until then belongs to the initial ladder.
  void finishInitial(Clock::time_point at) {
    if (initialDone_) return;
    initialDone_ = true;
    marketStartAt_ = at + std::chrono::milliseconds(100);
  }

  void checkInitial() {
    if (initialChecked_) return;
    initialChecked_ = true;
    std::vector<long long> bids, offers;
    for (const Order& o : initialOrders_) (o.side == kBuy ? bids : offers).push_back(o.price);
    std::sort(bids.begin(), bids.end(), std::greater<long long>());
    std::sort(offers.begin(), offers.end());
    std::vector<long long> wantBids, wantOffers;
    for (long k = 0; k < options_.levels; ++k) {
      wantBids.push_back(kInitialBid - k);
      wantOffers.push_back(kInitialBid + 1 + k);
    }
    auto list = [](const std::vector<long long>& v) {
      std::string s;
      for (long long p : v) s += (s.empty() ? "" : " ") + priceText(p);
      return s.empty() ? std::string("none") : s;
    };
    if (bids != wantBids) initial_.fail("bids " + list(bids) + ", expected " + list(wantBids));
    if (offers != wantOffers) initial_.fail("offers " + list(offers) + ", expected " + list(wantOffers));
    initial_.note(std::to_string(initialOrders_.size()) + " orders");
  }

  void startMarket(Clock::time_point now) {
    checkInitial();
    marketStarted_ = true;
    marketRunning_ = true;
    marketStart_ = now;
    nextTick_ = now;
  }

  // One move of the market: in the first phase (--market-seconds), then, after the pause in
  // which the ladder is checked, in the closing phase that lasts until the maker logs out.
  void tick(Clock::time_point now) {
    nextTick_ += std::chrono::milliseconds(options_.intervalMillis);
    if (closing_ && app_.receivedLogout()) {
      closing_ = false;  // the maker is gone
      return;
    }
    if (marketRunning_ && now - marketStart_ >= std::chrono::milliseconds(options_.marketMillis)) {
      marketRunning_ = false;
      lastTickAt_ = now;
      trackingAt_ = now + std::chrono::seconds(1);
      return;
    }
    const bool last = marketRunning_ && nextTick_ - marketStart_ >= std::chrono::milliseconds(options_.marketMillis);
    std::uniform_int_distribution<int> coin(0, 1), size(500, 3000), tradeSize(1, 20), every(0, 3), percent(0, 99);
    const long long step = (coin(random_) ? 1 : -1) * (1 + coin(random_));
    const long long oldBid = bid_, oldAsk = ask_;
    bid_ += step;
    ask_ += step;
    if (marketRunning_) ++moves_;
    else ++closingMoves_;
    // The maker's orders the market moved through are filled at their price, usually before the
    // X goes out; in --race-percent of the moves (never the last) after it, so that the maker's
    // requests for those orders cross the fills.
    const bool xFirst = marketRunning_ && !last && percent(random_) < options_.racePercent;
    if (xFirst) ++xFirstMoves_;
    if (!xFirst) fillThrough(now);
    if (subscribed_) {
      FIX44::MarketDataIncrementalRefresh x;
      x.set(FIX::MDReqID(mdReqID_));
      auto add = [&](char action, char type, long long px, long long lots) {
        FIX44::MarketDataIncrementalRefresh::NoMDEntries entry;
        entry.set(FIX::MDUpdateAction(action));
        entry.set(FIX::MDEntryType(type));
        entry.set(FIX::Symbol(kSymbol));
        entry.setField(FIX::FIELD::MDEntryPx, priceText(px));
        if (lots > 0) entry.setField(FIX::FIELD::MDEntrySize, quantityText(lots));
        x.addGroup(entry);
      };
      add(FIX::MDUpdateAction_DELETE, FIX::MDEntryType_BID, oldBid, 0);
      add(FIX::MDUpdateAction_NEW, FIX::MDEntryType_BID, bid_, size(random_));
      add(FIX::MDUpdateAction_DELETE, FIX::MDEntryType_OFFER, oldAsk, 0);
      add(FIX::MDUpdateAction_NEW, FIX::MDEntryType_OFFER, ask_, size(random_));
      if (every(random_) == 0) {
        // Buyers lifted the old offer (up), or sellers hit the old bid (down).
        add(FIX::MDUpdateAction_NEW, FIX::MDEntryType_TRADE, step > 0 ? oldAsk : oldBid, tradeSize(random_));
        ++trades_;
      }
      send(x);
    }
    if (xFirst) fillThrough(now);
  }

  // Fills the maker's orders at or through the market: bids at or above the best offer, offers
  // at or below the best bid, each at its own price.
  void fillThrough(Clock::time_point now) {
    std::vector<std::string> through;
    for (const auto& kv : working_) {
      const Order& o = kv.second;
      if ((o.side == kBuy && o.price >= ask_) || (o.side == kSell && o.price <= bid_)) through.push_back(kv.first);
    }
    for (const std::string& id : through) {
      Order o = working_[id];
      working_.erase(id);
      fill(o, o.price, now);
    }
  }

  // An order that arrives (or is replaced) at or through the market fills at once at the best
  // opposite price; the trade then prints on the market-data feed (X with a trade entry), which
  // also gives the maker a market update to refill its ladder on.
  void fillIfMarketable(const std::string& clOrdID, Clock::time_point at) {
    auto it = working_.find(clOrdID);
    if (it == working_.end()) return;
    const Order o = it->second;
    long long px = 0;
    if (o.side == kBuy && o.price >= ask_) px = ask_;
    else if (o.side == kSell && o.price <= bid_) px = bid_;
    else return;
    working_.erase(it);
    ++marketable_;
    fill(o, px, at);
    printTrade(px, o.quantity - o.cum);
  }

  void printTrade(long long px, long long lots) {
    if (!subscribed_ || lots <= 0) return;
    FIX44::MarketDataIncrementalRefresh x;
    x.set(FIX::MDReqID(mdReqID_));
    FIX44::MarketDataIncrementalRefresh::NoMDEntries entry;
    entry.set(FIX::MDUpdateAction(FIX::MDUpdateAction_NEW));
    entry.set(FIX::MDEntryType(FIX::MDEntryType_TRADE));
    entry.set(FIX::Symbol(kSymbol));
    entry.setField(FIX::FIELD::MDEntryPx, priceText(px));
    entry.setField(FIX::FIELD::MDEntrySize, quantityText(lots));
    x.addGroup(entry);
    ++trades_;
    send(x);
  }

  // Fills what is left of `o` at `px` (the order is no longer in working_).
  void fill(Order o, long long px, Clock::time_point at) {
    const long long qty = o.quantity - o.cum;
    o.cum += qty;
    o.tickLots += px * qty;
    ++fills_;
    if (o.ordType == FIX::OrdType_LIMIT) {
      ++limitFills_;
      if (!trackingChecked_) ++quotingFills_;
    }
    position_ += o.side == kBuy ? qty : -qty;
    filled_[o.clOrdID] = Filled{at, o.orderID, o.side};
    report(o, FIX::ExecType_TRADE, FIX::OrdStatus_FILLED, "", px, qty);
  }

  // The end of the pause after the first phase: the ladder must be on its target. The closing
  // phase starts: the market moves on while the maker stops.
  void checkTracking(Clock::time_point now) {
    if (trackingChecked_) return;
    trackingChecked_ = true;
    if (options_.closingMarket && subscribed_) {
      closing_ = true;
      nextTick_ = now;
    }
    if (marketOrders_ > 0) {
      tracking_.note("not checked: a net-position stop was active");
      return;
    }
    std::vector<long long> bids, offers, wantBids, wantOffers;
    for (const auto& kv : working_) (kv.second.side == kBuy ? bids : offers).push_back(kv.second.price);
    std::sort(bids.begin(), bids.end(), std::greater<long long>());
    std::sort(offers.begin(), offers.end());
    for (long k = 0; k < options_.levels; ++k) {
      wantBids.push_back(bid_ - k);
      wantOffers.push_back(ask_ + k);
    }
    auto list = [](const std::vector<long long>& v) {
      std::string s;
      for (long long p : v) s += (s.empty() ? "" : " ") + priceText(p);
      return s.empty() ? std::string("none") : s;
    };
    if (bids != wantBids) tracking_.fail("bids " + list(bids) + ", expected " + list(wantBids));
    if (offers != wantOffers) tracking_.fail("offers " + list(offers) + ", expected " + list(wantOffers));
    tracking_.note("market " + priceText(bid_) + " / " + priceText(ask_));
  }

  // The maker's end of run: everything after the pause that ends the first phase. A cancel that
  // comes more than 500 ms into the pause is the maker's end-of-run cancel already (it stopped
  // early): the ladder is checked at once, and the end begins.
  bool endPhase(Clock::time_point at) {
    if (!trackingChecked_ && marketStarted_ && !marketRunning_ && at >= lastTickAt_ + std::chrono::milliseconds(500))
      checkTracking(at);
    return trackingChecked_;
  }

  // MARK: Messages to the maker

  bool send(FIX::Message& message) {
    try {
      if (FIX::Session::sendToTarget(message, session_)) return true;
    } catch (const FIX::SessionNotFound&) {
    }
    if (!app_.receivedLogout()) ++unsent_;  // after the maker's Logout it does not matter
    return false;
  }

  void report(const Order& o, char execType, char ordStatus, const std::string& orig, long long lastPx,
              long long lastQty, const std::string& massStatusReqID = "", long total = 0, bool last = false) {
    const long long leaves = execType == FIX::ExecType_CANCELED ? 0 : o.quantity - o.cum;
    FIX44::ExecutionReport r(FIX::OrderID(o.orderID), FIX::ExecID("X" + std::to_string(++nextExecID_)),
                             FIX::ExecType(execType), FIX::OrdStatus(ordStatus), FIX::Side(o.side),
                             FIX::LeavesQty(0), FIX::CumQty(0), FIX::AvgPx(0));
    r.setField(FIX::FIELD::LeavesQty, quantityText(leaves));
    r.setField(FIX::FIELD::CumQty, quantityText(o.cum));
    r.setField(FIX::FIELD::AvgPx, averageText(o.tickLots, o.cum));
    r.set(FIX::ClOrdID(o.clOrdID));
    if (!orig.empty()) r.set(FIX::OrigClOrdID(orig));
    r.set(FIX::Symbol(kSymbol));
    r.setField(FIX::FIELD::OrderQty, quantityText(o.quantity));
    r.set(FIX::OrdType(o.ordType));
    if (o.ordType == FIX::OrdType_LIMIT) r.setField(FIX::FIELD::Price, priceText(o.price));
    if (!o.timeInForce.empty()) r.setField(FIX::FIELD::TimeInForce, o.timeInForce);
    if (execType == FIX::ExecType_TRADE) {
      r.setField(FIX::FIELD::LastPx, priceText(lastPx));
      r.setField(FIX::FIELD::LastQty, quantityText(lastQty));
    }
    if (!massStatusReqID.empty()) {
      r.set(FIX::MassStatusReqID(massStatusReqID));
      r.set(FIX::TotNumReports(static_cast<int>(total)));
      r.set(FIX::LastRptRequested(last));
    }
    r.set(FIX::TransactTime());
    send(r);
  }

  void reject(const FIX::Message& m, const std::string& clOrdID, char side, const std::string& why) {
    FIX44::ExecutionReport r(FIX::OrderID("NONE"), FIX::ExecID("X" + std::to_string(++nextExecID_)),
                             FIX::ExecType(FIX::ExecType_REJECTED), FIX::OrdStatus(FIX::OrdStatus_REJECTED),
                             FIX::Side(side), FIX::LeavesQty(0), FIX::CumQty(0), FIX::AvgPx(0));
    r.set(FIX::ClOrdID(clOrdID));
    r.set(FIX::Symbol(kSymbol));
    r.set(FIX::OrdRejReason(FIX::OrdRejReason_OTHER));
    r.set(FIX::Text(why));
    r.set(FIX::TransactTime());
    (void)m;
    send(r);
  }

  void cancelReject(const FIX::Message&, const std::string& clOrdID, const std::string& orig,
                    const std::string& orderID, char ordStatus, char responseTo, int reason, const std::string& why) {
    FIX44::OrderCancelReject r{FIX::OrderID(orderID), FIX::ClOrdID(clOrdID), FIX::OrigClOrdID(orig),
                               FIX::OrdStatus(ordStatus), FIX::CxlRejResponseTo(responseTo)};
    r.set(FIX::CxlRejReason(reason));
    r.set(FIX::Text(why));
    send(r);
  }

  // MARK: The end

  static long long ms(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
  }

  int finish(bool loggedOut, bool timedOut) {
    if (!loggedOn_) logon_.fail("MAKER never logged on");
    else if (marketDataRequests_ == 0) logon_.fail("no MarketDataRequest (V) from the maker");
    else logon_.note("Logon " + app_.logon() + "; reconciliation: " + std::to_string(statusRequests_) + " AF, " +
                     std::to_string(positionRequests_) + " AN");
    for (const std::string& r : app_.sentRejects()) validation_.fail(r);
    for (const std::string& r : app_.receivedRejects()) accepted_.fail(r);
    if (!snapshotSent_) initial_.fail("no snapshot was sent");
    else checkInitial();
    perSide_.note("at most " + std::to_string(maxBids_) + " bids and " + std::to_string(maxOffers_) + " offers");
    named_.note(std::to_string(replaces_) + " G, " + std::to_string(cancels_) + " F; " + std::to_string(crossing_) +
                " crossed a fill");
    // The ladder moves by replace.
    const bool stop = marketOrders_ > 0;
    if (!marketStarted_) {
      byReplace_.fail("the market never started (no initial ladder?)");
    } else {
      if (moves_ > 0 && marketReplaces_ == 0) byReplace_.fail(std::to_string(moves_) + " market moves but no G");
      const long allowedNews = quotingFills_ + (stop ? static_cast<long>(midRunCancels_.size()) : 0);
      if (refills_ > allowedNews)
        byReplace_.fail(std::to_string(refills_) + " NewOrderSingles after the initial ladder for " +
                       std::to_string(quotingFills_) + " filled orders" +
                       (stop ? " and " + std::to_string(midRunCancels_.size()) + " cancels" : std::string()) +
                       ": levels were emptied and refilled with new orders");
      if (!stop && !midRunCancels_.empty()) {
        byReplace_.fail(std::to_string(midRunCancels_.size()) +
                       " cancels (F) while quoting, without a net-position stop; first: " + midRunCancels_[0]);
      }
    }
    byReplace_.note(std::to_string(moves_) + " moves (" + std::to_string(xFirstMoves_) +
                    " with the X before the fills): " + std::to_string(marketReplaces_) + " G, " +
                    std::to_string(refills_) + " D after " + std::to_string(quotingFills_) + " fills, " +
                    std::to_string(midRunCancels_.size()) + " F while quoting" +
                    (stop ? ", a net-position stop (" + std::to_string(marketOrders_) + " market orders)"
                          : std::string()));
    if (!trackingChecked_) {
      if (marketStarted_)
        tracking_.fail("the maker logged out before the check (less than a second after the market stopped)");
      else tracking_.fail("the market never started");
    }
    market_.note(std::to_string(marketOrders_) + " sent");
    // The end.
    if (!loggedOut) {
      canceled_.fail("the maker did not log out within " + std::to_string(options_.timeoutSeconds) + " s");
    } else if (!working_.empty()) {
      std::string list;
      for (const auto& kv : working_)
        list += (list.empty() ? "" : ", ") + kv.first + " (" + sideName(kv.second.side) + " " +
                priceText(kv.second.price) + ")";
      canceled_.fail(std::to_string(working_.size()) + " orders still working at the Logout: " + list);
    }
    if (endCancels_ > 0 && newsAfterCancelAll_ + replacesAfterCancelAll_ > 0) {
      canceled_.fail("after its end-of-run cancels (the first " + std::to_string(ms(logonAt_, endCancelAt_)) +
                     " ms after the Logon) the maker went on quoting: " + std::to_string(newsAfterCancelAll_) +
                     " NewOrderSingles and " + std::to_string(replacesAfterCancelAll_) +
                     " replaces, as the market moved, before its Logout " +
                     std::to_string(ms(endCancelAt_, logoutAt_)) + " ms later; the first: " + afterCancelAll_);
    }
    canceled_.note(std::to_string(endCancels_) + " canceled at the end" +
                   (options_.closingMarket ? ", " + std::to_string(closingMoves_) + " market moves meanwhile"
                                           : std::string()));
    if (!loggedOut) {
      logout_.fail(timedOut ? "no Logout within " + std::to_string(options_.timeoutSeconds) + " s" : "no Logout");
    } else if (!app_.receivedLogout()) {
      logout_.fail("disconnected without a Logout from the maker");
    } else if (!app_.answeredLogout()) {
      logout_.fail("the maker's Logout was not answered");
    }
    for (const std::string& l : app_.sentLogoutFirst()) logout_.fail("the venue sent a Logout first: " + l);
    if (unsent_ > 0) accepted_.fail(std::to_string(unsent_) + " messages could not be sent (session gone)");

    int passed = 0, failed = 0;
    for (const Check* c : {&logon_, &validation_, &accepted_, &fields_, &cancelQty_, &grid_, &initial_, &perSide_,
                           &uncrossed_, &named_, &byReplace_, &tracking_, &market_, &canceled_, &logout_}) {
      if (c->report()) ++passed;
      else ++failed;
    }
    std::cout << "counts news " << (news_ - marketOrders_) << " market " << marketOrders_ << " replaces " << replaces_
              << " cancels " << cancels_ << " fills " << fills_ << " moves " << moves_ << " trades " << trades_
              << " crossing " << crossing_ << " marketable " << marketable_ << " position "
              << quantityText(std::abs(position_)) << (position_ < 0 ? " short" : position_ > 0 ? " long" : "")
              << std::endl;
    std::cout << passed << " passed, " << failed << " failed" << std::endl;
    return failed == 0 ? 0 : 1;
  }

  PeerApplication& app_;
  Options options_;
  std::mt19937 random_;
  FIX::SessionID session_;

  Check logon_, validation_, accepted_, fields_, cancelQty_, grid_, initial_, perSide_, uncrossed_, named_, byReplace_,
      tracking_, market_, canceled_, logout_;

  bool loggedOn_ = false;
  long marketDataRequests_ = 0;
  std::string mdReqID_;
  bool subscribed_ = false;
  bool snapshotSent_ = false;
  Clock::time_point snapshotAt_;
  bool initialDone_ = false, initialChecked_ = false;
  std::vector<Order> initialOrders_;
  Clock::time_point marketStartAt_;
  bool marketStarted_ = false, marketRunning_ = false, trackingChecked_ = false, closing_ = false;
  Clock::time_point marketStart_, nextTick_, lastTickAt_, trackingAt_, logonAt_, logoutAt_, endCancelAt_;

  long long bid_ = kInitialBid, ask_ = kInitialBid + 1;
  std::map<std::string, Order> working_;
  std::map<std::string, Filled> filled_;
  std::set<std::string> usedClOrdIDs_;
  long nextOrderID_ = 0, nextExecID_ = 0;

  long news_ = 0, marketOrders_ = 0, refills_ = 0, replaces_ = 0, marketReplaces_ = 0, cancels_ = 0, endCancels_ = 0;
  long xFirstMoves_ = 0, closingMoves_ = 0, quotingFills_ = 0, newsAfterCancelAll_ = 0, replacesAfterCancelAll_ = 0;
  std::string afterCancelAll_;
  long fills_ = 0, limitFills_ = 0, moves_ = 0, trades_ = 0, crossing_ = 0, marketable_ = 0, unsent_ = 0;
  long maxBids_ = 0, maxOffers_ = 0;
  long long position_ = 0;
  long statusRequests_ = 0, positionRequests_ = 0, nextReportID_ = 0;
  std::vector<std::string> midRunCancels_;
};

// MARK: - Setup

std::string settingsText(long port, const std::string& dictionary, const std::string& logDir) {
  std::ostringstream out;
  out << "# Generated by quote_peer.\n"
      << "[DEFAULT]\n"
      << "ConnectionType=acceptor\n"
      << "BeginString=FIX.4.4\n"
      << "SenderCompID=" << kExchange << "\n"
      << "TargetCompID=" << kMaker << "\n"
      << "SocketAcceptPort=" << port << "\n"
      << "SocketReuseAddress=Y\n"
      << "SocketNodelay=Y\n"
      << "StartTime=00:00:00\n"
      << "EndTime=00:00:00\n"
      << "ResetOnLogon=Y\n"
      << "UseDataDictionary=Y\n"
      << "DataDictionary=" << dictionary << "\n";
  if (!logDir.empty()) out << "FileLogPath=" << logDir << "\n";
  out << "\n[SESSION]\n";
  return out.str();
}

int usage() {
  std::cerr << "usage: quote_peer PORT [--dictionary PATH] [--work DIR] [--timeout SECONDS] [--market-seconds S]\n"
               "                  [--interval-ms MS] [--race-percent P] [--closing-market on|off] [--levels N]\n"
               "                  [--lots N] [--seed N]\n"
               "  (see the top of quote_peer.cpp)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  long port = 0;
  if (!parseNumber(argv[1], 1, 65535, port)) {
    std::cerr << "quote_peer: bad port: " << argv[1] << "\n";
    return usage();
  }
  Options options;
  options.seed = static_cast<unsigned long>(Clock::now().time_since_epoch().count() & 0x7fffffff);
  std::string dictionary, work;
  for (int i = 2; i < argc; i += 2) {
    const std::string option = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string value = argv[i + 1];
    long n = 0;
    if (option == "--dictionary") dictionary = value;
    else if (option == "--work") work = value;
    else if (option == "--timeout" && parseNumber(value, 1, 86400, n)) options.timeoutSeconds = n;
    else if (option == "--market-seconds" && parseNumber(value, 1, 3600, n)) options.marketMillis = n * 1000;
    else if (option == "--interval-ms" && parseNumber(value, 1, 60000, n)) options.intervalMillis = n;
    else if (option == "--race-percent" && parseNumber(value, 0, 100, n)) options.racePercent = n;
    else if (option == "--closing-market" && (value == "on" || value == "off")) options.closingMarket = value == "on";
    else if (option == "--levels" && parseNumber(value, 1, 64, n)) options.levels = n;
    else if (option == "--lots" && parseNumber(value, 1, 1000000, n)) options.lots = n;
    else if (option == "--seed" && parseNumber(value, 0, LONG_MAX, n)) options.seed = static_cast<unsigned long>(n);
    else return usage();
  }
  dictionary = dictionary.empty() ? defaultDictionary() : absolutePath(dictionary);
  if (!isFile(dictionary)) {
    std::cerr << "quote_peer: data dictionary not found (--dictionary PATH)\n";
    return 2;
  }
  // Settings go to --work DIR, or to a temporary directory removed at exit.
  bool temporary = false;
  if (work.empty()) {
    char pattern[] = "/tmp/quote_peer.XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
      std::cerr << "quote_peer: cannot create a temporary directory: " << std::strerror(errno) << "\n";
      return 2;
    }
    work = pattern;
    temporary = true;
  } else {
    if (mkdir(work.c_str(), 0755) != 0 && errno != EEXIST) {
      std::cerr << "quote_peer: cannot create " << work << ": " << std::strerror(errno) << "\n";
      return 2;
    }
    work = absolutePath(work);
  }
  const std::string cfgPath = work + "/quote_peer.cfg";
  {
    std::ofstream cfg(cfgPath.c_str());
    cfg << settingsText(port, dictionary, temporary ? std::string() : work + "/log");
    if (!cfg) {
      std::cerr << "quote_peer: cannot write " << cfgPath << "\n";
      return 2;
    }
  }
  signal(SIGPIPE, SIG_IGN);

  PeerApplication app;
  FIX::MemoryStoreFactory storeFactory;
  std::unique_ptr<FIX::SessionSettings> settings;
  std::unique_ptr<FIX::FileLogFactory> logFactory;
  std::unique_ptr<FIX::Acceptor> acceptor;
  try {
    settings.reset(new FIX::SessionSettings(cfgPath));
    if (!temporary) {
      logFactory.reset(new FIX::FileLogFactory(*settings));
      acceptor.reset(new FIX::ThreadedSocketAcceptor(app, storeFactory, *settings, *logFactory));
    } else {
      acceptor.reset(new FIX::ThreadedSocketAcceptor(app, storeFactory, *settings));
    }
    acceptor->start();
  } catch (const std::exception& error) {
    std::cerr << "quote_peer: " << error.what() << "\n";
    if (temporary) {
      unlink(cfgPath.c_str());
      rmdir(work.c_str());
    }
    return 2;
  }
  std::cout << "quote_peer: listening on port " << port << " as " << kExchange << " for " << kMaker << " (seed "
            << options.seed << ", dictionary " << dictionary << ")" << std::endl;

  Venue venue(app, options);
  const int status = venue.run();
  acceptor->stop(true);
  if (temporary) {
    unlink(cfgPath.c_str());
    rmdir(work.c_str());
  }
  return status;
}
