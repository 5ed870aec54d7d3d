#include "sim/scenario/board_reader.h"

#include "sim/scenario/key_rules.h"
#include "sim/scenario/quantity.h"

namespace packsim::scenario {

BoardSpec read_board(const YamlObject& root) {
  BoardSpec board;
  if (root.kind("board") == YamlObject::Kind::kMissing) {
    board.where = root.location();
    return board;
  }
  if (root.kind("board") != YamlObject::Kind::kMap) {
    root.fail_at("board", "expected a mapping, e.g. board: {watchdog: 500 ms}");
  }
  const YamlObject block{root.child("board")};
  refuse_unknown_keys(block, {"watchdog"}, "'board'");
  board.where = block.location();
  if (block.has("watchdog")) {
    if (block.kind("watchdog") == YamlObject::Kind::kScalar && block.scalar("watchdog").text() == "none") {
      board.watchdog_ns.reset();
    } else {
      // A watchdog of less than a millisecond resets an MCU before it can kick it.
      board.watchdog_ns = read_duration(block, "watchdog", NumberRange::closed(1e-3, 3600.0));
    }
  }
  block.finish();
  return board;
}

}  // namespace packsim::scenario
