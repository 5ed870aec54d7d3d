// Alias bombs ("billion laughs") are refused at the alias that crosses the
// node budget, in one pass over the text, before anything walks the tree.
#include <gtest/gtest.h>

#include <string>

#include "common/input_error.h"
#include "common/yaml_expansion_guard.h"
#include "common/yaml_reader.h"

namespace packsim {
namespace {

// levels of ten aliases each: 10^levels leaves.
std::string alias_bomb(int levels) {
  std::string text{"name: bomb\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"};
  for (int level = 1; level < levels; ++level) {
    const std::string previous{"*l" + std::to_string(level - 1)};
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i == 0 ? "" : ", ") + previous;
    text += "]\n";
  }
  return text;
}

std::string error_of(const std::string& text, std::uint64_t budget = kYamlExpandedNodeBudget) {
  try {
    check_yaml_expansion("bomb.yaml", text, budget);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

TEST(YamlExpansionGuard, AliasBombIsRefusedAtTheAliasThatCrossesTheBudget) {
  // 10^6 leaves from 9 lines; each level's line is line level + 2.
  const std::string error{error_of(alias_bomb(6))};
  EXPECT_EQ(error.rfind("bomb.yaml:7:", 0), 0U) << error;
  EXPECT_NE(error.find("expands to more than 200000 nodes through its aliases"), std::string::npos) << error;
}

// Thirty levels would be 10^30 nodes: the counts saturate instead of wrapping
// around to a small number that passes.
TEST(YamlExpansionGuard, CountsSaturateSoDeepBombsCannotWrapAround) {
  EXPECT_FALSE(error_of(alias_bomb(30)).empty());
}

TEST(YamlExpansionGuard, OrdinaryAliasesAndFilesPass) {
  EXPECT_EQ(error_of(alias_bomb(4)), "");  // 10^4 nodes
  EXPECT_EQ(error_of("defaults: &d {a: 1, b: 2}\nfirst: *d\nsecond: *d\n"), "");
  EXPECT_EQ(error_of("a: [1, 2\n"), "") << "syntax errors are the loader's to report, with their position";
}

TEST(YamlExpansionGuard, MappingBombsCountTooAndTheBudgetIsExact) {
  // 1 root map + 3 x (key + value) = 7 nodes in all.
  EXPECT_EQ(error_of("a: 1\nb: 2\nc: 3\n", 7), "");
  EXPECT_FALSE(error_of("a: 1\nb: 2\nc: 3\n", 6).empty());
  std::string text{"m0: &m0 {a: x, b: x, c: x, d: x, e: x, f: x, g: x, h: x, i: x, j: x}\n"};
  for (int level = 1; level < 7; ++level) {
    text += "m" + std::to_string(level) + ": &m" + std::to_string(level) + " {";
    for (char key = 'a'; key <= 'j'; ++key) {
      text += std::string{key == 'a' ? "" : ", "} + key + ": *m" + std::to_string(level - 1);
    }
    text += "}\n";
  }
  EXPECT_FALSE(error_of(text).empty());
}

// The loaders run the guard first: the scenario, pack and cell files all go
// through YamlObject::load_file.
TEST(YamlExpansionGuard, LoadFileRefusesABombWithItsPosition) {
  SourceFiles files{SourceFiles::bundle({{"bomb.yaml", alias_bomb(9)}})};
  try {
    (void)YamlObject::load_file("bomb.yaml", files);
    FAIL() << "an alias bomb was loaded";
  } catch (const InputError& error) {
    EXPECT_EQ(error.where().file, "bomb.yaml");
    EXPECT_GT(error.where().line, 1);
  }
}

// Found by fuzz_scenario_loader: yaml-cpp 0.7 reports documents without end
// on these texts; the guard reads one document, as the loader does.
TEST(YamlExpansionGuard, MalformedTextThatYamlCppNeverFinishesReturnsAtOnce) {
  for (const char* text : {",", "[:", "{:", ",\n,\n,"}) {
    EXPECT_EQ(error_of(text), "") << text;
    SourceFiles files{SourceFiles::bundle({{"bad.yaml", text}})};
    EXPECT_THROW((void)YamlObject::load_file("bad.yaml", files), InputError) << text;
  }
}

TEST(YamlExpansionGuard, DeepNestingIsAnInputErrorNotACrash) {
  SourceFiles files{SourceFiles::bundle({{"deep.yaml", "a: " + std::string(100000, '[') + std::string(100000, ']')}})};
  try {
    (void)YamlObject::load_file("deep.yaml", files);
    FAIL() << "100000 levels of nesting were loaded";
  } catch (const InputError& error) {
    EXPECT_NE(std::string{error.what()}.find("nested too deeply"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace packsim
