#include "common/yaml_expansion_guard.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "common/input_error.h"

namespace packsim {

namespace {

// Counts expanded nodes per collection on a stack; a collection's total is
// remembered under its anchor, so an alias costs its anchor's full size.
// Counts saturate at the budget + 1, so nested aliases cannot overflow.
class ExpansionCounter final : public YAML::EventHandler {
 public:
  ExpansionCounter(std::string file, std::uint64_t budget) : file_{std::move(file)}, budget_{budget} {}

  void OnDocumentStart(const YAML::Mark&) override {
    open_.clear();
    document_nodes_ = 0;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto known = anchor_sizes_.find(anchor);
    // An alias to an anchor still open (a recursive structure) or unknown
    // counts as one node; yaml-cpp refuses the unknown ones itself.
    add(mark, known == anchor_sizes_.end() ? 1 : known->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YAML::Mark mark;
    YAML::anchor_t anchor;
    std::uint64_t nodes;  // itself and everything inside so far
  };

  std::uint64_t saturating_sum(std::uint64_t a, std::uint64_t b) const { return std::min(a + b, budget_ + 1); }

  void add(const YAML::Mark& mark, std::uint64_t nodes) {
    if (!open_.empty()) open_.back().nodes = saturating_sum(open_.back().nodes, nodes);
    document_nodes_ = saturating_sum(document_nodes_, nodes);
    if (document_nodes_ > budget_) {
      std::ostringstream message;
      message << "this document expands to more than " << budget_
              << " nodes through its aliases (*name repeats the &name it refers to); write the values out or "
                 "use fewer aliases";
      throw InputError({file_, mark.line + 1, mark.column + 1}, message.str());
    }
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    add(mark, 1);
    if (anchor != YAML::NullAnchor) anchor_sizes_[anchor] = 1;
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    add(mark, 1);
    open_.push_back({mark, anchor, 1});
  }
  void close() {
    if (open_.empty()) return;
    const Open done{open_.back()};
    open_.pop_back();
    // Its nodes were already added to the document as they came; the parent
    // learns its size now (it counted the collection itself as one so far).
    if (!open_.empty()) open_.back().nodes = saturating_sum(open_.back().nodes, done.nodes - 1);
    if (done.anchor != YAML::NullAnchor) anchor_sizes_[done.anchor] = done.nodes;
  }

  std::string file_;
  std::uint64_t budget_;
  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, std::uint64_t> anchor_sizes_;
  std::uint64_t document_nodes_{0};
};

}  // namespace

void check_yaml_expansion(const std::string& file, const std::string& text, std::uint64_t node_budget) {
  std::istringstream stream{text};
  ExpansionCounter counter{file, node_budget};
  try {
    YAML::Parser parser{stream};
    // The first document only: it is all YAML::Load reads, and yaml-cpp 0.7
    // (Debian 12) can report another document for ever on some malformed
    // input (a file of one ",") without consuming anything.
    parser.HandleNextDocument(counter);
  } catch (const YAML::Exception&) {
    // A syntax error: the loader reports it with its own position.
  }
}

}  // namespace packsim
