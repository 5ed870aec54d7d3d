// SourceFiles: the texts a scenario is built from, recorded from disk and
// served again without the files (how a sweep's worker rebuilds a scenario).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/input_error.h"
#include "common/source_files.h"
#include "sim/scenario/scenario_loader.h"

namespace packsim {
namespace {

namespace fs = std::filesystem;

std::string error_of(SourceFiles& files, const std::string& path) {
  try {
    files.read(path);
  } catch (const InputError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(SourceFiles, DiskKeepsEveryTextItRead) {
  const fs::path dir{fs::temp_directory_path() / "packsim-source-files-disk"};
  fs::create_directories(dir);
  std::ofstream{dir / "a.yaml"} << "x: 1\n";
  SourceFiles files{SourceFiles::disk()};
  EXPECT_TRUE(files.is_regular_file((dir / "a.yaml").string()));
  EXPECT_EQ(files.read((dir / "a.yaml").string()), "x: 1\n");
  std::ofstream{dir / "a.yaml"} << "x: 2\n";  // changed on disk: the recorded text stays
  EXPECT_EQ(files.read((dir / "a.yaml").string()), "x: 1\n");
  ASSERT_EQ(files.texts().size(), 1U);
  fs::remove_all(dir);
}

TEST(SourceFiles, RefusesWhatIsNotARegularFile) {
  SourceFiles files{SourceFiles::disk()};
  EXPECT_FALSE(files.is_regular_file("/dev/zero"));
  EXPECT_EQ(error_of(files, "/dev/zero"), "/dev/zero: cannot open file");  // never read without end
  EXPECT_EQ(error_of(files, fs::temp_directory_path().string()), fs::temp_directory_path().string() + ": cannot open file");
  EXPECT_EQ(error_of(files, "/nonexistent/x.yaml"), "/nonexistent/x.yaml: cannot open file");
}

TEST(SourceFiles, ABundleServesOnlyItsTextsUnlessItFallsBackToDisk) {
  SourceFiles bundle{SourceFiles::bundle({{"/virtual/s.yaml", "name: x\n"}})};
  EXPECT_TRUE(bundle.is_regular_file("/virtual/s.yaml"));
  EXPECT_EQ(bundle.read("/virtual/s.yaml"), "name: x\n");
  EXPECT_FALSE(bundle.is_regular_file(PACKSIM_PARAMS_DIR "/lfp_a123_26650.yaml"));
  SourceFiles falling_back{SourceFiles::bundle({}, true)};
  EXPECT_TRUE(falling_back.is_regular_file(PACKSIM_PARAMS_DIR "/lfp_a123_26650.yaml"));
}

TEST(SourceFiles, AScenarioRebuiltFromItsTextsEqualsTheOneReadFromDisk) {
  // Copies of a scenario, its pack file and its cell file, loaded, then deleted.
  const fs::path dir{fs::temp_directory_path() / "packsim-source-files-scenario"};
  fs::remove_all(dir);
  fs::create_directories(dir / "packs");
  fs::copy_file(PACKSIM_PARAMS_DIR "/lfp_a123_26650.yaml", dir / "lfp_a123_26650.yaml");
  fs::copy_file(PACKSIM_PARAMS_DIR "/packs/lfp_16s1p.yaml", dir / "packs" / "lfp_16s1p.yaml");
  std::ofstream{dir / "s.yaml"} << "name: copy\ndescription: a copy\nseed: 5\n"
                                   "pack: {file: packs/lfp_16s1p.yaml, initial_soc: 40 %}\n"
                                   "steps:\n  - discharge: {c_rate: 1C, for: 1 min}\n";
  SourceFiles recorded{SourceFiles::disk()};
  const scenario::Scenario from_disk{scenario::validate_scenario((dir / "s.yaml").string(), recorded)};
  EXPECT_EQ(recorded.texts().size(), 3U);  // the scenario, the pack file, the cell file
  fs::remove_all(dir);

  SourceFiles bundle{SourceFiles::bundle(recorded.texts())};
  const scenario::Scenario rebuilt{scenario::validate_scenario((dir / "s.yaml").string(), bundle)};
  EXPECT_EQ(rebuilt.name, from_disk.name);
  EXPECT_EQ(rebuilt.pack.config.series, from_disk.pack.config.series);
  EXPECT_EQ(rebuilt.pack.config.seed, from_disk.pack.config.seed);
  EXPECT_EQ(rebuilt.pack.config.initial_soc, 0.4);
  EXPECT_EQ(rebuilt.pack.config.cell.capacity_ah, from_disk.pack.config.cell.capacity_ah);
  EXPECT_EQ(rebuilt.pack.config.cell.ocv.ocv_v.y, from_disk.pack.config.cell.ocv.ocv_v.y);
  EXPECT_EQ(rebuilt.steps.size(), from_disk.steps.size());
}

// A file over the limit is refused before it is read (a 50 MB scenario once
// cost gigabytes of parser memory); a sparse file costs no disk here.
TEST(SourceFiles, FileOverTheSizeLimitIsRefusedUnread) {
  const fs::path dir{fs::temp_directory_path() / "packsim-source-files-limit"};
  fs::create_directories(dir);
  const fs::path big{dir / "big.yaml"};
  std::ofstream{big} << "name: x\n";
  fs::resize_file(big, kMaxSourceFileBytes + 1);
  SourceFiles files{SourceFiles::disk()};
  const std::string error{error_of(files, big.string())};
  EXPECT_NE(error.find("file is larger than 4 MiB, the limit for an input file"), std::string::npos) << error;
  fs::resize_file(big, kMaxSourceFileBytes);
  EXPECT_EQ(files.read(big.string()).size(), kMaxSourceFileBytes);
  fs::remove_all(dir);
}

TEST(SourceFiles, DevicesAndFifosAreNeverRead) {
  SourceFiles files{SourceFiles::disk()};
  EXPECT_NE(error_of(files, "/dev/zero").find("cannot open file"), std::string::npos);
  const fs::path dir{fs::temp_directory_path() / "packsim-source-files-fifo"};
  fs::create_directories(dir);
  const fs::path fifo{dir / "pack.yaml"};
  fs::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  EXPECT_NE(error_of(files, fifo.string()).find("cannot open file"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace packsim
