#pragma once

// Where input files (scenarios, packs, cell parameters) are read from. A
// scenario names its pack file, which names its cell file: reading all three
// through one SourceFiles keeps every text the scenario was built from, so a
// loaded scenario can be rebuilt exactly elsewhere (a sweep's worker that does
// not have the user's files) and a scenario can come from memory (a Python
// dict) while its pack still comes from disk.

#include <cstddef>
#include <map>
#include <string>

namespace packsim {

// The largest input file read (a scenario, a pack, cell parameters): the
// biggest we ship is 8 KiB, and a parser's memory grows many times a file's
// size, so anything larger is refused before it is read.
inline constexpr std::size_t kMaxSourceFileBytes{4u * 1024u * 1024u};

class SourceFiles {
 public:
  // The file system. Every text read is kept (texts()), and a path read twice
  // gives the same text.
  static SourceFiles disk() { return SourceFiles{{}, true}; }
  // These texts, by path as the readers resolve it; other paths are read from
  // the file system when fallback_to_disk, otherwise they do not exist.
  static SourceFiles bundle(std::map<std::string, std::string> texts, bool fallback_to_disk = false) {
    return SourceFiles{std::move(texts), fallback_to_disk};
  }

  // A regular file (or a bundled text) is there.
  bool is_regular_file(const std::string& path) const;
  // The whole text. InputError ("path: cannot open file") when there is none,
  // when it is not a regular file (a device or a fifo would be read without
  // end) or when it is larger than kMaxSourceFileBytes.
  const std::string& read(const std::string& path);
  // Adds or replaces a text (e.g. a document built in memory).
  void put(const std::string& path, std::string text) { texts_[path] = std::move(text); }

  // Every text read or bundled so far, by path.
  const std::map<std::string, std::string>& texts() const { return texts_; }

 private:
  SourceFiles(std::map<std::string, std::string> texts, bool from_disk)
      : texts_{std::move(texts)}, from_disk_{from_disk} {}

  std::map<std::string, std::string> texts_;
  bool from_disk_;
};

}  // namespace packsim
