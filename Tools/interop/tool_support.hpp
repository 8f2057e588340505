// What the QuickFIX C++ programs of Tools/ (interop peers, the exchange and quote tests, the
// session benchmark) share: paths and numbers from the command line, messages as text.
//
// This product includes software developed by quickfixengine.org (http://www.quickfixengine.org/).
#pragma once

#include <quickfix/Message.h>

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>

namespace tools {

// `path` made absolute with symbolic links resolved; empty when it does not exist.
inline std::string absolutePath(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) return std::string();
  return std::string(resolved);
}

// Whether `path` is a regular file.
inline bool isFile(const std::string& path) {
  struct stat info;
  return !path.empty() && stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

// The repository's Specs/FIX44.xml: found from the executable, which the scripts build in
// Tools/<folder>/.build/, else ./Specs/FIX44.xml from the working directory.
inline std::string defaultDictionary() {
  char self[PATH_MAX];
  const ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (length > 0) {
    self[length] = '\0';
    std::string dir(self);
    dir = dir.substr(0, dir.rfind('/'));
    const std::string candidate = absolutePath(dir + "/../../../Specs/FIX44.xml");
    if (isFile(candidate)) return candidate;
  }
  return absolutePath("Specs/FIX44.xml");
}

// A whole number in [minimum, maximum] from `text`; false (and `out` unchanged) otherwise.
inline bool parseNumber(const std::string& text, long minimum, long maximum, long& out) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < minimum || value > maximum) return false;
  out = value;
  return true;
}

// A message as text, SOH shown as '|'.
inline std::string text(const FIX::Message& message) {
  std::string s = message.toString();
  std::replace(s.begin(), s.end(), '\x01', '|');
  return s;
}

// The MsgType of a message, or "?".
inline std::string msgType(const FIX::Message& message) {
  return message.getHeader().isSetField(FIX::FIELD::MsgType) ? message.getHeader().getField(FIX::FIELD::MsgType)
                                                              : std::string("?");
}

}  // namespace tools
