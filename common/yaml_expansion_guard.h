#pragma once

// YAML aliases let a few hundred bytes stand for billions of nodes ("billion
// laughs"): every *alias is a copy of its anchor's whole subtree for anyone
// who walks the document, as our strict readers do. Before a text is loaded,
// this guard counts the nodes the document expands to, in one linear pass
// over the parser's events, and refuses it at the alias that crosses the
// budget. Legitimate files (a scenario, a pack with its tables) expand to a
// few thousand nodes.

#include <cstdint>
#include <string>

namespace packsim {

// Nodes a document may expand to, counting each alias as its anchor's subtree.
inline constexpr std::uint64_t kYamlExpandedNodeBudget{200'000};

// Throws InputError at file:line:col of the first alias (or node) past the
// budget; YAML syntax errors are left to the loader that follows.
void check_yaml_expansion(const std::string& file, const std::string& text,
                          std::uint64_t node_budget = kYamlExpandedNodeBudget);

}  // namespace packsim
